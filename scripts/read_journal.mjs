// The whole journal of the sqlite store SRC_DB, read page by page, for the
// measurement scripts that replay it (follower_apply_cpu, follower_stream_cpu,
// payment_archive_ab). `openStore` is the caller's build's (src/store/open.js).

/** Every journal entry of the store at `file`, in order; the store is closed after. */
export async function readWholeJournal(openStore, file) {
  const src = await openStore(`sqlite:${file}`);
  const entries = [];
  for (;;) {
    const page = await src.readJournal(entries.length, 1000);
    if (page.length === 0) break;
    entries.push(...page);
  }
  await src.close();
  return entries;
}
