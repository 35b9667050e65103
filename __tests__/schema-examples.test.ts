import { checkManifests, readManifests } from '../policy';

// Valid manifests as users and vendors write them (shaped after the Kubernetes, Argo CD, External
// Secrets and Sealed Secrets documentation): strict is not the same as wrong, so none of these may
// draw a schema finding.

const EXAMPLES = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.28}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop, labels: {app.kubernetes.io/name: db}}
spec:
  serviceName: db
  replicas: 3
  podManagementPolicy: Parallel
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  selector: {matchLabels: {app.kubernetes.io/name: db}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: db}
      annotations: {kubectl.kubernetes.io/default-container: db}
    spec:
      terminationGracePeriodSeconds: 30
      securityContext: {runAsNonRoot: true, runAsUser: 999, fsGroup: 999, fsGroupChangePolicy: OnRootMismatch, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: db
        image: postgres:16.2
        args: ["-c", "max_connections=200"]
        ports: [{name: pg, containerPort: 5432, protocol: TCP}]
        env:
        - {name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
        resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {memory: 1Gi, ephemeral-storage: 2G}}
        readinessProbe: {exec: {command: [pg_isready]}, periodSeconds: 5, failureThreshold: 3}
        livenessProbe: {tcpSocket: {port: pg}, initialDelaySeconds: 10}
        startupProbe: {grpc: {port: 5433}}
        lifecycle: {preStop: {exec: {command: [sh, -c, sleep 5]}}}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}, {name: run, mountPath: /var/run/postgresql}]
      volumes: [{name: run, emptyDir: {medium: Memory, sizeLimit: 64Mi}}]
      tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}, {operator: Exists}]
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [db]}]}}
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}, {key: node.kubernetes.io/memory-gb, operator: Gt, values: ["8"]}]}]
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app.kubernetes.io/name: db}}}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 10Gi}}}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app.kubernetes.io/name: db}
  ports: [{name: pg, port: 5432, targetPort: pg}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: nlb}}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  ipFamilyPolicy: PreferDualStack
  ipFamilies: [IPv4, IPv6]
  selector: {app: web}
  ports: [{name: https, port: 443, targetPort: 8443, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {cert-manager.io/cluster-issuer: letsencrypt, nginx.ingress.kubernetes.io/proxy-body-size: 8m}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: web-tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: https}}}}
      - {path: /api, pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 80}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}
  behavior: {scaleDown: {stabilizationWindowSeconds: 300, policies: [{type: Percent, value: 50, periodSeconds: 60}], selectPolicy: Max}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {maxUnavailable: 25%, selector: {matchLabels: {app: web}}, unhealthyPodEvictionPolicy: AlwaysAllow}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Berlin
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 3
  jobTemplate:
    spec:
      backoffLimit: 2
      ttlSecondsAfterFinished: 3600
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: "ghcr.io/acme/backup:1.2@sha256:${'ab'.repeat(32)}", command: [/backup]}]
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-, namespace: shop, annotations: {argocd.argoproj.io/hook: PreSync}}
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 3
  podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: ghcr.io/acme/migrate:1.0, imagePullPolicy: IfNotPresent}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}], ports: [{port: 8443}]}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/24]}}]
    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 5432, endPort: 5433}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: false
imagePullSecrets: [{name: ghcr}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: shop}
data: {app.properties: "a=b\\n", LOG_LEVEL: info}
binaryData: {logo.png: iVBORw0KGgo=}
---
apiVersion: v1
kind: Secret
metadata: {name: ghcr, namespace: shop}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: e30=}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: shop, namespace: shop}
spec: {hard: {requests.cpu: "4", limits.memory: 8Gi, pods: "20", count/deployments.apps: "10"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: shop, namespace: shop}
spec: {limits: [{type: Container, default: {memory: 256Mi}, defaultRequest: {cpu: 100m, memory: 128Mi}, max: {cpu: "2"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "shop:metrics-reader", labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules:
- {apiGroups: [metrics.k8s.io], resources: [pods], verbs: [get, list]}
- {nonResourceURLs: [/metrics], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "shop:metrics-reader"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "shop:metrics-reader"}
subjects:
- {kind: ServiceAccount, name: web, namespace: shop}
- {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
- {kind: User, name: alice@example.com}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: shop-high}
value: 100000
preemptionPolicy: Never
description: shop workloads
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast, annotations: {storageclass.kubernetes.io/is-default-class: "false"}}
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
  finalizers: [resources-finalizer.argocd.argoproj.io]
  annotations: {notifications.argoproj.io/subscribe.on-sync-succeeded.slack: deploys}
spec:
  project: shop
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps.git
    targetRevision: HEAD
    path: helm-guestbook
    helm:
      releaseName: guestbook
      valueFiles: [values-production.yaml]
      parameters: [{name: image.tag, value: v1.2.3, forceString: true}]
      valuesObject: {replicaCount: 2, ingress: {enabled: false}}
  destination: {server: https://kubernetes.default.svc, namespace: guestbook}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=false, ServerSideApply=true]
    retry: {limit: 5, backoff: {duration: 5s, factor: 2, maxDuration: 3m}}
  ignoreDifferences: [{group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}]
  revisionHistoryLimit: 10
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: shop, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
  - git:
      repoURL: https://github.com/acme/cluster-deploy.git
      revision: HEAD
      directories: [{path: apps/*}]
  template:
    metadata: {name: "{{.path.basename}}"}
    spec:
      project: shop
      source: {repoURL: https://github.com/acme/cluster-deploy.git, targetRevision: HEAD, path: "{{.path.path}}"}
      destination: {server: https://kubernetes.default.svc, namespace: "{{.path.basename}}"}
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: shop, namespace: argocd}
spec:
  description: the shop team
  sourceRepos: [https://github.com/acme/*]
  destinations: [{server: https://kubernetes.default.svc, namespace: shop-*}]
  clusterResourceWhitelist: []
  namespaceResourceBlacklist: [{group: "", kind: ResourceQuota}]
  roles:
  - name: deployer
    policies: ["p, proj:shop:deployer, applications, sync, shop/*, allow"]
    groups: [acme:shop]
  syncWindows: [{kind: deny, schedule: "0 22 * * *", duration: 8h, applications: ["*"]}]
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db, namespace: shop}
spec:
  refreshInterval: 1h
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target: {name: db, creationPolicy: Owner}
  data: [{secretKey: password, remoteRef: {key: shop/db, property: password}}]
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: db, namespace: shop, annotations: {sealedsecrets.bitnami.com/namespace-wide: "true"}}
spec:
  encryptedData: {password: AgBy3i4OJSWK+PiTySYZZA==}
  template: {type: Opaque, metadata: {labels: {app: db}}}
`;

test('realistic valid manifests of many kinds draw no schema finding', () => {
  const objects = readManifests(EXAMPLES, 'examples.yaml');
  expect(objects.length).toBeGreaterThan(20);
  const findings = checkManifests(objects).findings.filter(f => f.rule.startsWith('schema.'));
  expect(findings.map(f => `${f.rule} [${f.object}] ${f.field}: ${f.message}`)).toEqual([]);
});
