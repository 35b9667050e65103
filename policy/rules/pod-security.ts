import { enforces, POD_SECURITY_CONTROLS } from '../pod-security';
import { Rule } from '../rule';

/**
 * The Pod Security Standards, each control judged at the level its namespace enforces. Not
 * waivable: the API server enforces the namespace's level whatever our annotations say, so the
 * only way to depart is a namespace level with a reason on the Namespace.
 */

const join = (...parts: string[]) => parts.filter(Boolean).join('.');

export const POD_SECURITY_RULES: Rule[] = POD_SECURITY_CONTROLS.map((control): Rule => ({
  id: `pss.${control.level}.${control.id}`,
  family: 'pod-security',
  severity: 'error',
  waivable: false,
  title: `Pod Security ${control.level}: ${control.title}`,
  fix: control.fix,
  check: ctx => ctx.pods.filter(pod => enforces(ctx.levelOf(pod.namespace), control)).flatMap(pod =>
    control.check(pod.spec, pod.metadata).map(f => ({
      object: pod.object,
      field: f.field.startsWith('metadata.') ? join(pod.metadataPath, f.field.slice('metadata.'.length)) : join(pod.specPath, f.field),
      message: `${f.message} (namespace ${pod.namespace} enforces ${ctx.levelOf(pod.namespace)})`,
    }))),
}));
