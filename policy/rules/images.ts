import { parsePinnedImage } from '../image';
import { Json } from '../model';
import { Rule } from '../rule';

/** Images: what runs is pinned by digest, so it changes only with a commit. */

export const IMAGES_RULES: Rule[] = [
  {
    id: 'image.digest-pinned', family: 'images', severity: 'error', title: 'images pinned by digest',
    fix: 'pin the image as registry/repo:tag@sha256:<digest> (crane digest registry/repo:tag)',
    check: ctx => ctx.pods.flatMap(pod => pod.containers.map(r => ({ c: r.container as Json, path: r.path })).filter(({ c }) => !parsePinnedImage(String(c.image)))
      .map(({ c, path }) => ({ object: pod.object, field: `${path}.image`, message: `image ${c.image} can change without a commit` }))),
  },
];
