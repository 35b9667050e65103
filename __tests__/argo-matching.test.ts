import { destinationCluster, globMatch, isDestinationPermitted, isSourcePermitted, normalizeGitUrl } from '../policy/argo';

// An independent judge for the gate's Argo CD matching: the cases below are the expectations of
// argoproj/argo-cd's own tests (pkg/apis/application/v1alpha1/types_test.go,
// TestAppProject_Is{,Negated}{Source,Destination}Permitted) and the examples of its user guide
// (docs/user-guide/projects.md), written here as data. Where Argo CD's answer depends on how Go
// re-parses a URL that we do not model, the gate answers "cannot judge" (undefined), which its
// rules report: those cases say so explicitly.

type SourceCase = [projectSources: string[], repo: string, permitted: boolean | undefined];

describe('sourceRepos, as Argo CD tests them', () => {
  const cases: SourceCase[] = [
    [['*'], 'https://github.com/argoproj/test.git', true],
    [['https://github.com/argoproj/test.git'], 'https://github.com/argoproj/test.git', true],
    // Go's url.Parse reads "github.com:argoproj" as a host with a bad port and gives up; Argo CD then
    // compares two empty strings and permits. We do not model that: cannot judge.
    [['ssh://git@GITHUB.com:argoproj/test'], 'ssh://git@github.com:argoproj/test', undefined],
    [['https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git', true],
    [['https://github.com/test1/test.git', 'https://github.com/test2/test.git'], 'https://github.com/test2/test.git', true],
    [['https://github.com/argoproj/test1.git'], 'https://github.com/argoproj/test2.git', false],
    [['https://github.com/argoproj/*.git'], 'https://github.com/argoproj1/test2.git', false],
    [['https://github.com/argoproj/foo'], 'https://github.com/argoproj/foo1', false],
    [['https://gitlab.com/group/*'], 'https://gitlab.com/group/repo/owner', false],
    [['https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner', true],
    [['https://gitlab.com/group/*/*/*'], 'https://gitlab.com/group/sub-group/repo/owner', true],
    [['https://gitlab.com/group/**'], 'https://gitlab.com/group/sub-group/repo/owner', true],
  ];
  test.each(cases)('%j admits %s: %s', (sources, repo, permitted) => {
    expect(isSourcePermitted(sources, repo)).toBe(permitted);
  });
});

describe('sourceRepos over Helm and OCI chart repos (Argo CD 3.5 normalizes them as Git URLs: lower case, no ".git", url.Parse)', () => {
  const cases: SourceCase[] = [
    [['https://charts.jetstack.io'], 'https://charts.jetstack.io', true],
    [['https://charts.jetstack.io'], 'HTTPS://Charts.Jetstack.IO', true],
    // A scheme-less source (Helm's old OCI form) is another string: the project entry must be spelled as the source is.
    [['https://charts.jetstack.io'], 'charts.jetstack.io', false],
    [['https://charts.jetstack.io'], 'https://charts.jetstack.io/', false],
    [['oci://ghcr.io/acme/charts/api'], 'oci://ghcr.io/acme/charts/api', true],
    [['oci://ghcr.io/acme/charts/api'], 'OCI://GHCR.IO/acme/charts/api', true],
    [['oci://ghcr.io/acme/charts/api'], 'oci://ghcr.io/acme/charts/api2', false],
    // A registry path does not admit the charts below it: each OCI chart is its own entry.
    [['oci://ghcr.io/acme/charts'], 'oci://ghcr.io/acme/charts/api', false],
    [['oci://ghcr.io/acme/charts/*'], 'oci://ghcr.io/acme/charts/api', true],
    [['https://github.com/acme/*'], 'oci://github.com/acme/charts', false],
  ];
  test.each(cases)('%j admits %s: %s', (sources, repo, permitted) => {
    expect(isSourcePermitted(sources, repo)).toBe(permitted);
  });
});

describe('negated sourceRepos, as Argo CD tests them', () => {
  const cases: SourceCase[] = [
    [['!https://github.com/argoproj/test.git'], 'https://github.com/argoproj/test.git', false],
    [['!ssh://git@GITHUB.com:argoproj/test'], 'ssh://git@github.com:argoproj/test', undefined],
    [['!https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git', false],
    [['https://github.com/test1/test.git', '!https://github.com/test2/test.git'], 'https://github.com/test2/test.git', false],
    [['!https://github.com/argoproj/foo*'], 'https://github.com/argoproj/foo1', false],
    [['!https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner', false],
    [['!https://gitlab.com/group/*/*/*'], 'https://gitlab.com/group/sub-group/repo/owner', false],
    [['!https://gitlab.com/group/**'], 'https://gitlab.com/group/sub-group/repo/owner', false],
    [['*'], 'https://github.com/argoproj/test.git', true],
    [['https://github.com/argoproj/test1.git', '*'], 'https://github.com/argoproj/test2.git', true],
    [['!https://github.com/argoproj/*.git', '*'], 'https://github.com/argoproj1/test2.git', true],
  ];
  test.each(cases)('%j admits %s: %s', (sources, repo, permitted) => {
    expect(isSourcePermitted(sources, repo)).toBe(permitted);
  });

  test('a lone "!" pattern admits every other repo (the loop counts a non-matching deny as a match)', () => {
    expect(isSourcePermitted(['!https://github.com/evil/x'], 'https://github.com/anyone/anything')).toBe(true);
    expect(isSourcePermitted(['!https://github.com/evil/x'], 'https://github.com/evil/x')).toBe(false);
  });

  test('the user guide\'s example: two denies and "*"', () => {
    const sources = ['!ssh://git@GITHUB.com:argoproj/test', '!https://gitlab.com/group/**', '*'];
    expect(isSourcePermitted(sources, 'https://gitlab.com/group/sub/repo')).toBe(false);
    // The first pattern is one Go cannot parse (see above), so nothing is certain for any repo.
    expect(isSourcePermitted(sources, 'https://github.com/acme/shop')).toBeUndefined();
    expect(isSourcePermitted(sources.slice(1), 'https://github.com/acme/shop')).toBe(true);
  });
});

describe('repo URL normalization (util/git NormalizeGitURL)', () => {
  test.each([
    ['https://github.com/Acme/Shop.git', 'https://github.com/acme/shop'],
    ['  https://github.com/acme/shop  ', 'https://github.com/acme/shop'],
    ['git@github.com:acme/shop.git', 'git@github.com/acme/shop'],
    ['ssh://git@github.com/acme/shop', 'git@github.com/acme/shop'],
    ['ssh://git@github.com:2222/acme/shop', 'git@github.com:2222/acme/shop'],
  ])('%s compares as %s', (url, normalized) => {
    expect(normalizeGitUrl(url)).toBe(normalized);
  });

  test.each([
    'https://github.com/acme/%73hop', 'https://github.com/acme/{a,b}', 'https://git hub.com/acme/shop',
    'ssh://git@github.com:acme/shop', 'ssh://*@github.com/acme/shop', 'https://github.com/acme/shop?ref=x',
  ])('%s is re-escaped or refused by Go, so cannot be judged', url => {
    expect(normalizeGitUrl(url)).toBeUndefined();
  });

  test('scp-style and ssh:// URLs of one repo are the same repo', () => {
    expect(isSourcePermitted(['git@github.com:acme/shop.git'], 'ssh://git@github.com/acme/shop')).toBe(true);
  });
});

type DestinationCase = [name: string, destinations: Record<string, string>[], cluster: { server?: string; name?: string }, namespace: string, permitted: boolean];

const K8S = 'https://kubernetes.default.svc';

describe('destinations, as Argo CD tests them', () => {
  const cases: DestinationCase[] = [
    ['server and namespace match', [{ server: K8S, namespace: 'default' }], { server: K8S, name: '' }, 'default', true],
    ['namespace does not match', [{ server: K8S, namespace: 'default' }], { server: K8S, name: '' }, 'kube-system', false],
    ['server does not match', [{ server: 'https://my-cluster', namespace: 'default' }], { server: K8S, name: '' }, 'default', false],
    ['wildcard namespace', [{ server: K8S, namespace: '*' }], { server: K8S, name: '' }, 'kube-system', true],
    ['wildcard server', [{ server: 'https://*.default.svc', namespace: 'default' }], { server: K8S, name: '' }, 'default', true],
    ['wildcard server prefix', [{ server: 'https://team1-*', namespace: 'default' }], { server: 'https://test2-dev-cluster', name: '' }, 'default', false],
    ['wildcard namespace with prefix', [{ server: K8S, namespace: 'test-*' }], { server: K8S, name: '' }, 'test-foo', true],
    ['wildcard namespace without prefix', [{ server: K8S, namespace: 'test-*' }], { server: K8S, name: '' }, 'test', false],
    ['wildcard server and namespace', [{ server: '*', namespace: '*' }], { server: K8S, name: '' }, 'test', true],
    ['by name', [{ server: '', namespace: '*', name: 'test' }], { server: '', name: 'test' }, 'test', true],
    ['by another name', [{ server: '', namespace: '*', name: 'test2' }], { server: '', name: 'test' }, 'test', false],
    ['negated namespace with alternatives', [
      { name: 'host-cluster', server: K8S, namespace: '!{kube-system,argocd}' },
      { name: 'destination-cluster-01', server: 'https://eks-cluster-endpoint.ap-southeast-1.eks.amazonaws.com', namespace: '*' },
    ], { server: 'https://eks-cluster-endpoint.ap-southeast-1.eks.amazonaws.com', name: '' }, 'karpenter', true],
  ];
  test.each(cases)('%s', (_, destinations, cluster, namespace, permitted) => {
    expect(isDestinationPermitted(destinations, cluster, namespace)).toBe(permitted);
  });
});

describe('negated destinations, as Argo CD tests them', () => {
  const c = (server: string, namespace: string, name?: string) => ({ server, namespace, ...(name !== undefined ? { name } : {}) });
  const cases: [Record<string, string>[], { server: string; name: string }, string, boolean][] = [
    [[c(`!${K8S}`, 'default')], { server: K8S, name: '' }, 'default', false],
    [[c(K8S, '!default')], { server: K8S, name: '' }, 'kube-system', true],
    [[c('!https://my-cluster', 'default')], { server: K8S, name: '' }, 'default', true],
    [[c(`!${K8S}`, '*')], { server: K8S, name: '' }, 'kube-system', false],
    [[c('!https://*.default.svc', 'default')], { server: K8S, name: '' }, 'default', false],
    [[c('!https://team1-*', 'default')], { server: 'https://test2-dev-cluster', name: '' }, 'default', true],
    [[c(K8S, '!test-*')], { server: K8S, name: '' }, 'test-foo', false],
    [[c(K8S, '!test-*')], { server: K8S, name: '' }, 'test', true],
    [[c('', '*', '!test')], { server: '', name: 'test' }, 'test', false],
    [[c('', '*', '!test2')], { server: '', name: 'test' }, 'test', true],
    [[c('*', 'kube-system'), c('*', '!kube-system')], { server: K8S, name: '' }, 'kube-system', false],
    [[c('*', '*'), c('*', '!kube-system')], { server: K8S, name: '' }, 'kube-system', false],
    [[c(K8S, '*'), c(`!${K8S}`, '*')], { server: K8S, name: '' }, 'kube-system', false],
    [[c('*', '*'), c(`!${K8S}`, 'kube-system')], { server: K8S, name: '' }, 'kube-system', false],
    [[c('*', '*'), c(`!${K8S}`, 'kube-system'), c('*', '!kube-system')], { server: K8S, name: '' }, 'kube-system', false],
    [[c('*', '*'), c(`!${K8S}`, 'kube-system'), c('*', '!kube-system')], { server: K8S, name: '' }, 'default', true],
    [[c('*', '*'), c(`!${K8S}`, 'kube-system'), c('*', '!kube-system')], { server: 'https://test-dev-cluster', name: '' }, 'kube-system', false],
    [[c('', '*', 'test'), c('', '*', '!test')], { server: '', name: 'test' }, 'test', false],
    [[c('*', 'test'), c('!https://test-server', 'other')], { server: 'https://test-server', name: '' }, 'test', true],
    [[c('*', '*'), c('https://test-server', '!other')], { server: 'https://other-test-server', name: '' }, 'other', true],
  ];
  test.each(cases)('%j for %j in %s: %s', (destinations, cluster, namespace, permitted) => {
    expect(isDestinationPermitted(destinations, cluster, namespace)).toBe(permitted);
  });

  test('the user guide\'s example: not kube-system, not team1-* clusters, anything else', () => {
    const destinations = [c('*', '!kube-system'), c('!https://team1-*', '*'), c('*', '*')];
    expect(isDestinationPermitted(destinations, { server: K8S, name: 'in-cluster' }, 'kube-system')).toBe(false);
    expect(isDestinationPermitted(destinations, { server: 'https://team1-prod', name: 'prod' }, 'shop')).toBe(false);
    expect(isDestinationPermitted(destinations, { server: K8S, name: 'in-cluster' }, 'shop')).toBe(true);
  });
});

describe('a cluster the manifests name only by server or only by name', () => {
  test('the in-cluster default resolves both ways', () => {
    expect(destinationCluster(K8S, undefined)).toEqual({ server: K8S, name: 'in-cluster' });
    expect(destinationCluster(undefined, 'in-cluster')).toEqual({ server: K8S, name: 'in-cluster' });
  });

  test('a project destination by name cannot be judged for an Application that names only the server', () => {
    const cluster = destinationCluster('https://prod.example.com', undefined);
    expect(isDestinationPermitted([{ name: 'prod', namespace: 'shop' }], cluster, 'shop')).toBeUndefined();
    expect(isDestinationPermitted([{ server: 'https://prod.example.com', namespace: 'shop' }], cluster, 'shop')).toBe(true);
    expect(isDestinationPermitted([{ name: '*', namespace: 'shop' }], cluster, 'shop')).toBe(true);
  });

  test('a deny on the unknown name leaves the answer open', () => {
    const cluster = destinationCluster('https://prod.example.com', undefined);
    expect(isDestinationPermitted([{ server: '*', namespace: '*' }, { name: '!prod', namespace: '*' }], cluster, 'shop')).toBeUndefined();
  });
});

describe('glob details (gobwas/glob)', () => {
  test.each([
    ['kube-*', 'kube-system', true],
    ['kube-?ystem', 'kube-system', true],
    ['kube-[a-z]ystem', 'kube-system', true],
    ['kube-[!s]ystem', 'kube-system', false],
    ['{kube-system,argocd}', 'argocd', true],
    ['kube\\-system', 'kube-system', true],
    ['*', 'a/b', true],
  ] as const)('%s matches %s: %s', (pattern, value, matched) => {
    expect(globMatch(pattern, value, false)).toBe(matched);
  });

  test('with "/" as separator, "*" stays in one segment and "**" crosses them', () => {
    expect(globMatch('https://github.com/acme/*', 'https://github.com/acme/a/b', false, '/')).toBe(false);
    expect(globMatch('https://github.com/acme/**', 'https://github.com/acme/a/b', false, '/')).toBe(true);
  });

  test.each(['[ab', '{a,b', '[]', '[z-a]'])('%s does not compile, so nothing is certain', pattern => {
    expect(globMatch(pattern, 'a', false)).toBeUndefined();
  });
});
