// The LSM diagnosis scripts' common loading: a build's LSM modules, its gridlock
// instance generators and HiGHS, and one instance set picked by name. Read-only.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Loads DIST's LSM modules (L linked, X region search, S lsm, P lp), its lpModel, HiGHS, and `instances(set, seed, per, fam)`. */
export async function loadLsmProbe(distArg) {
  const d = pathToFileURL(resolve(distArg)).href;
  const L = await import(`${d}/src/clearing/lsm_linked.js`);
  const X = await import(`${d}/src/clearing/lsm_region_exact.js`);
  const S = await import(`${d}/src/clearing/lsm.js`);
  const P = await import(`${d}/src/clearing/lsm_lp.js`);
  const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
  const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
  const { familyInstances } = await import(`${d}/src/bench/gridlock_families.js`);
  const { lpModel } = await import(`${d}/src/bench/lp_model.js`);
  const highs = await (await import('highs')).default();
  const instances = (set, seed, per, fam) =>
    set === 'unseen' ? unseenInstances(seed, per, [fam]) : set === 'novel' ? novelInstances(seed, per, [fam]) : familyInstances(set, seed, per, [fam]);
  return { L, X, S, P, lpModel, highs, instances };
}
