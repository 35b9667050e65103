import { buildReport, renderMarkdown } from '../compiler/report';
import { checkManifests } from '../policy';

// Names, reasons, images and labels come from specs and vendor YAML: nothing they say may change
// the report's structure, link anywhere, open HTML or hide behind bidi and invisible characters.

const FORGED = '\n| forged | row |';
const HOSTILE = `x${FORGED} <script>alert(1)</script> [click](http://x) \`code\` **no** \u202Egnp.exe\u200b \\| # h`;

/** A namespace, a Deployment with a waiver, a NetworkPolicy, an AppProject; every free text is `text`. */
function objects(text: string) {
  const ns = 'shop-production';
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': `restricted${text}` } } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: `api${text}`, namespace: ns, annotations: { 'guardrails.cdk8s.io/waive.image.digest-pinned': `the vendor ships tags ${text}` } },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: `api${text}`, image: `ghcr.io/acme/api${text}:1`, securityContext: { capabilities: { add: [`NET_ADMIN${text}`] } } }] },
        },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `allow${text}`, namespace: ns },
      spec: { podSelector: { matchLabels: { app: `api${text}` } }, ingress: [{ from: [{ podSelector: { matchLabels: { [`k${text}`]: 'v' } } }], ports: [{ port: 80 }] }] },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: `shop${text}`, namespace: 'argocd' },
      spec: { sourceRepos: [`https://git.example.com/${text}`], destinations: [{ server: 'https://kubernetes.default.svc', namespace: `${ns}${text}` }] },
    },
  ];
}

const hostileObjects = objects(HOSTILE);
const report = buildReport(hostileObjects, checkManifests(hostileObjects));
/** The same report with every hostile text replaced by a plain one: the structure the hostile one must keep. */
const plainReport = JSON.parse(JSON.stringify(report).split(JSON.stringify(HOSTILE).slice(1, -1)).join('x'));

/** The report's tables: line count and, per line, cell count (pipes not escaped by a backslash). */
const tables = (markdown: string) => markdown.split('\n\n').filter(block => block.startsWith('|')).map(block => block.split('\n')
  .map(line => line.replace(/\\./g, '').split('|').length));

test('hostile names, reasons, images and labels cannot change the report\'s structure', () => {
  const hostile = renderMarkdown(report);
  const plain = renderMarkdown(plainReport);
  expect(plain).not.toContain('forged');
  expect(tables(hostile)).toEqual(tables(plain));
  expect(hostile.split('\n')).toHaveLength(plain.split('\n').length);
  expect(hostile).not.toMatch(/^\| forged/m);
  for (const raw of ['<script>', '\u202E', '\u200b', ' `code`']) expect(hostile).not.toContain(raw);
  expect(hostile).not.toMatch(/(?<!\\)\]\(http/);
});

test('and shows what they say, escaped', () => {
  const hostile = renderMarkdown(report);
  for (const shown of ['\\u{a}\\| forged \\| row \\|', '&lt;script&gt;alert(1)&lt;/script&gt;', '\\[click\\](http://x)', '\\`code\\`', '\\*\\*no\\*\\*',
    '\\u{202e}gnp.exe\\u{200b}', '\\\\\\| # h']) {
    expect(hostile).toContain(shown);
  }
  // The waiver's reason, in the exceptions-and-waivers table and the departures table.
  expect(hostile).toMatch(/\| the vendor ships tags x\\u\{a\}\\\| forged/);
});
