// A three-node NATS cluster with JetStream on loopback, each node in a temporary
// folder of its own: what the tests, `bench ha` and .ci/run start when no cluster
// is given. The nodes are `nats-server` processes (the binary on PATH, or
// SCO_SETTLE_NATS_SERVER); a node can be killed and started again on the same
// folder and ports, which is how the fault tests take quorum away and give it back.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOCAL_CLUSTER_NODES = 3;
const START_TIMEOUT_MS = 20_000;

interface NodeSpec {
  name: string;
  client_port: number;
  route_port: number;
  dir: string;
  child: ChildProcess | null;
  log: string;
}

/** The nats-server binary to run, or null when there is none. */
export function natsServerBinary(): string | null {
  const bin = process.env.SCO_SETTLE_NATS_SERVER ?? 'nats-server';
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? bin : null;
}

// Ports are drawn below Linux's default ephemeral range (32768-60999): a port the
// OS hands out for port 0 — any test's HTTP server or outgoing connection — could
// be taken between our probe and nats-server's bind, and once was in CI.
const PORT_LOW = 20_000;
const PORT_HIGH = 32_000;
const PORT_TRIES = 200;
const START_ATTEMPTS = 4;

/** A loopback TCP port free when probed (another process may still take it before nats-server binds; start() retries then). */
export async function freePort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let t = 0; t < PORT_TRIES; t++) {
    const port = PORT_LOW + Math.floor(Math.random() * (PORT_HIGH - PORT_LOW));
    if (taken.has(port)) continue;
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port in ${PORT_LOW}-${PORT_HIGH} after ${PORT_TRIES} tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Waits (briefly) for an exited node's last stderr lines: the exit can be seen before they are read. */
async function stderrDrained(child: ChildProcess | null): Promise<void> {
  const err = child?.stderr;
  if (err === null || err === undefined || err.destroyed) return;
  await Promise.race([new Promise((r) => err.once('close', r)), new Promise((r) => setTimeout(r, 1_000))]);
}

function lostBindRace(err: unknown): boolean {
  return /address already in use/i.test((err as Error).message ?? '');
}

/** Picks a port for a node, given those the cluster has already taken (freePort; a test plants a taken one). */
export type PortPicker = (taken: ReadonlySet<number>) => Promise<number>;

export class LocalNatsCluster {
  private readonly nodes: NodeSpec[];
  private readonly root: string;
  private readonly bin: string;

  private constructor(bin: string, root: string, nodes: NodeSpec[]) {
    this.bin = bin;
    this.root = root;
    this.nodes = nodes;
  }

  /** Starts three nodes and waits until JetStream answers on every one; new ports and folders when a bind lost a race. */
  static async start(pickPort: PortPicker = freePort): Promise<LocalNatsCluster> {
    const bin = natsServerBinary();
    if (bin === null) throw new Error('nats-server is not installed (apt-get install nats-server, or set SCO_SETTLE_NATS_SERVER)');
    for (let attempt = 1; ; attempt++) {
      try {
        return await LocalNatsCluster.startOnce(bin, pickPort);
      } catch (err) {
        if (attempt >= START_ATTEMPTS || !lostBindRace(err)) throw err;
      }
    }
  }

  private static async startOnce(bin: string, pickPort: PortPicker): Promise<LocalNatsCluster> {
    const root = mkdtempSync(join(tmpdir(), 'sco-settle-nats-'));
    const nodes: NodeSpec[] = [];
    const taken = new Set<number>();
    const port = async (): Promise<number> => {
      const p = await pickPort(taken);
      taken.add(p);
      return p;
    };
    for (let i = 0; i < LOCAL_CLUSTER_NODES; i++) {
      const dir = join(root, `n${i + 1}`);
      mkdirSync(dir);
      nodes.push({ name: `n${i + 1}`, client_port: await port(), route_port: await port(), dir, child: null, log: '' });
    }
    const cluster = new LocalNatsCluster(bin, root, nodes);
    try {
      for (let i = 0; i < nodes.length; i++) cluster.startNode(i);
      await Promise.all(nodes.map((_, i) => cluster.waitReady(i)));
      await cluster.waitJetStream();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Client URLs of the nodes, for --cluster. */
  get urls(): string[] {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.client_port}`);
  }

  private startNode(i: number): void {
    const n = this.nodes[i]!;
    const routes = this.nodes.filter((o) => o !== n).map((o) => `nats://127.0.0.1:${o.route_port}`);
    const args = [
      '-a',
      '127.0.0.1',
      '-p',
      String(n.client_port),
      '-n',
      n.name,
      '-js',
      '-sd',
      n.dir,
      '--cluster_name',
      'sco',
      '--cluster',
      `nats://127.0.0.1:${n.route_port}`,
      '--routes',
      routes.join(','),
    ];
    n.log = '';
    // One Go scheduler thread per node (unless GOMAXPROCS is set): three nodes share the host's cores with the
    // engines, and with Go's default (a thread per core each) they woke each other about twice as often per
    // stream message for a quarter more CPU (docs/scaling.md, "Journal stream append and NATS cost, stop 49").
    const env = { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '1' };
    const child = spawn(this.bin, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    child.stderr!.on('data', (d: Buffer) => {
      n.log = (n.log + d.toString()).slice(-20_000);
    });
    n.child = child;
  }

  private async waitReady(i: number): Promise<void> {
    const n = this.nodes[i]!;
    const t0 = Date.now();
    while (Date.now() - t0 < START_TIMEOUT_MS) {
      if (n.child?.exitCode !== null) {
        await stderrDrained(n.child);
        throw new Error(`nats node ${n.name} exited: ${n.log.slice(-2000)}`);
      }
      if (/Server is ready/.test(n.log)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nats node ${n.name} did not start in ${START_TIMEOUT_MS} ms: ${n.log.slice(-2000)}`);
  }

  /** Waits until the cluster's JetStream has a meta leader: a replicated stream can be created and removed. */
  private async waitJetStream(): Promise<void> {
    const { connect } = await import('nats');
    const nc = await connect({ servers: this.urls, timeout: 5_000 });
    try {
      const t0 = Date.now();
      for (;;) {
        try {
          const jsm = await nc.jetstreamManager({ timeout: 2_000 });
          await jsm.streams.add({ name: 'SCO_PROBE', subjects: ['sco.probe'], num_replicas: LOCAL_CLUSTER_NODES });
          await jsm.streams.delete('SCO_PROBE');
          return;
        } catch (err) {
          if (Date.now() - t0 > START_TIMEOUT_MS) throw new Error(`JetStream did not become ready: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      await nc.close();
    }
  }

  /** Kills node i (SIGKILL); its folder stays for a restart. */
  async kill(i: number): Promise<void> {
    const child = this.nodes[i]!.child;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.nodes[i]!.child = null;
  }

  /** Starts node i again on its folder and ports. */
  async restart(i: number): Promise<void> {
    await this.kill(i);
    this.startNode(i);
    await this.waitReady(i);
  }

  /** Stops every node and removes the folders. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((_, i) => this.kill(i)));
    rmSync(this.root, { recursive: true, force: true });
  }
}
