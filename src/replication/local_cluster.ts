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

/** A free loopback TCP port (the OS picks; another process may take it before we bind, which start-up then reports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export class LocalNatsCluster {
  private readonly nodes: NodeSpec[];
  private readonly root: string;
  private readonly bin: string;

  private constructor(bin: string, root: string, nodes: NodeSpec[]) {
    this.bin = bin;
    this.root = root;
    this.nodes = nodes;
  }

  /** Starts three nodes and waits until JetStream answers on every one. */
  static async start(): Promise<LocalNatsCluster> {
    const bin = natsServerBinary();
    if (bin === null) throw new Error('nats-server is not installed (apt-get install nats-server, or set SCO_SETTLE_NATS_SERVER)');
    const root = mkdtempSync(join(tmpdir(), 'sco-settle-nats-'));
    const nodes: NodeSpec[] = [];
    for (let i = 0; i < LOCAL_CLUSTER_NODES; i++) {
      const dir = join(root, `n${i + 1}`);
      mkdirSync(dir);
      nodes.push({ name: `n${i + 1}`, client_port: await freePort(), route_port: await freePort(), dir, child: null, log: '' });
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
    const child = spawn(this.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => {
      n.log = (n.log + d.toString()).slice(-20_000);
    });
    n.child = child;
  }

  private async waitReady(i: number): Promise<void> {
    const n = this.nodes[i]!;
    const t0 = Date.now();
    while (Date.now() - t0 < START_TIMEOUT_MS) {
      if (n.child?.exitCode !== null) throw new Error(`nats node ${n.name} exited: ${n.log.slice(-2000)}`);
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
