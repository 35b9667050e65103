/**
 * The gate's Pod Security rules against upstream's own fixtures (kubernetes/pod-security-admission
 * `test/testdata/`, see ../shared/conformance/README.md): every Pod in
 * `<dir>/pod-security-admission/<level>/<version>/pass/` must draw no `pss.*` finding from a
 * namespace that enforces `<level>` at `<version>`, and every Pod in `fail/` at least one, from the
 * control that applies the check its file name names (where that check is one of ours).
 *
 * Usage: tsx scripts/conformance.ts <dir> [--from v1.23] [--to v1.37]
 * Exit 0 when every file agrees, 1 on any disagreement, 2 when the folder or an argument is wrong.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkManifests } from '../policy/gate';
import { Json } from '../policy/model';
import { LATEST_POD_SECURITY_VERSION, parsePodSecurityVersion, PodSecurityLevel, ruleIdForUpstreamCheck, podSecurityVersionLabel } from '../policy/pod-security';
import { readManifests } from '../policy/reader';

const LEVELS: PodSecurityLevel[] = ['baseline', 'restricted'];

function usage(problem: string): never {
  console.error(`conformance: ${problem}\nusage: tsx scripts/conformance.ts <dir> [--from v1.23] [--to ${podSecurityVersionLabel(LATEST_POD_SECURITY_VERSION.minor)}]`);
  process.exit(2);
}

function parseArgs(argv: string[]): { dir: string; from: number; to: number } {
  let dir: string | undefined;
  let from = 23;
  let to = LATEST_POD_SECURITY_VERSION.minor;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--from' || arg === '--to') {
      const v = parsePodSecurityVersion(argv[++i]);
      if (v === undefined || v === 'latest') usage(`${arg} needs a version such as v1.23`);
      if (arg === '--from') from = v.minor; else to = v.minor;
    } else if (dir === undefined) {
      dir = arg;
    } else {
      usage(`unexpected argument ${arg}`);
    }
  }
  if (dir === undefined) usage('name the folder that holds pod-security-admission/');
  return { dir, from, to };
}

/** One upstream fixture file and what the gate made of it. */
interface Case {
  readonly file: string;
  readonly expect: 'pass' | 'fail';
  /** The rule id that must report a fail case, when the file's check is one of ours. */
  readonly rule?: string;
  readonly object: string;
}

function main(): void {
  const { dir, from, to } = parseArgs(process.argv.slice(2));
  const root = path.join(dir, 'pod-security-admission');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    console.error(`conformance: ${root} is missing`);
    process.exit(2);
  }
  const started = process.hrtime.bigint();
  const disagreements: string[] = [];
  let total = 0;
  let folders = 0;

  for (const level of LEVELS) {
    for (let minor = from; minor <= to; minor++) {
      const version = podSecurityVersionLabel(minor);
      const folder = path.join(root, level, version);
      if (!fs.existsSync(folder)) continue;
      folders++;
      // One Namespace per level and version holding every fixture of that folder, so the gate
      // runs once per folder (each Pod renamed so that pass and fail files cannot collide).
      const namespace = `pss-${level}-v1-${minor}`;
      const objects: Json[] = [{
        apiVersion: 'v1', kind: 'Namespace',
        metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': version } },
      }];
      const cases: Case[] = [];
      for (const expect of ['pass', 'fail'] as const) {
        const sub = path.join(folder, expect);
        if (!fs.existsSync(sub)) continue;
        for (const name of fs.readdirSync(sub).filter(f => f.endsWith('.yaml')).sort()) {
          const file = path.join(sub, name);
          const rel = path.relative(root, file);
          let read: Json[];
          try {
            read = readManifests(fs.readFileSync(file, 'utf8'), rel);
          } catch (e) {
            disagreements.push(`${rel}: cannot be read: ${(e as Error).message}`);
            total++;
            continue;
          }
          read.forEach((o, i) => {
            const podName = `${expect}-${name.replace(/\.yaml$/, '').replace(/_/g, '-')}${read.length > 1 ? `-${i}` : ''}`;
            o.metadata = { ...(o.metadata ?? {}), name: podName, namespace };
            objects.push(o);
            const check = name.replace(/[0-9]*\.yaml$/, '');
            cases.push({ file: rel, expect, rule: ruleIdForUpstreamCheck(check, level, minor), object: `${o.kind} ${namespace}/${podName}` });
          });
        }
      }
      const found = new Map<string, string[]>();
      for (const f of checkManifests(objects).findings) {
        if (!f.rule.startsWith('pss.')) continue;
        found.set(f.object, [...(found.get(f.object) ?? []), `${f.rule} ${f.field}`]);
      }
      for (const c of cases) {
        total++;
        const rules = found.get(c.object) ?? [];
        if (c.expect === 'pass' && rules.length > 0) {
          disagreements.push(`${c.file}: upstream admits it at ${level} ${version}; the gate reports ${rules.join('; ')}`);
        } else if (c.expect === 'fail' && rules.length === 0) {
          disagreements.push(`${c.file}: upstream refuses it at ${level} ${version}; the gate reports nothing`);
        } else if (c.expect === 'fail' && c.rule && !rules.some(r => r.startsWith(`${c.rule} `))) {
          disagreements.push(`${c.file}: upstream refuses it at ${level} ${version} by ${c.rule}; the gate reports only ${rules.join('; ')}`);
        }
      }
    }
  }

  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (folders === 0) {
    console.error(`conformance: no ${LEVELS.join('/')} folders for ${podSecurityVersionLabel(from)}..${podSecurityVersionLabel(to)} under ${root}`);
    process.exit(2);
  }
  for (const d of disagreements) console.log(`DISAGREE ${d}`);
  console.log(`Pod Security conformance ${podSecurityVersionLabel(from)}..${podSecurityVersionLabel(to)} (${folders} folders): ${total - disagreements.length}/${total} agree in ${ms.toFixed(0)} ms`);
  process.exit(disagreements.length > 0 ? 1 : 0);
}

main();
