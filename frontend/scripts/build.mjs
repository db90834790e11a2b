// Build helpers without dependencies: `clean` empties dist/, `copy` puts the
// static files beside the compiled modules, `clean-tests` empties build/.
//   dist/index.html
//   dist/static/js/**   (tsc)
//   dist/static/css/app.css, dist/static/favicon.svg
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const steps = {
  clean() {
    rmSync(dist, { recursive: true, force: true });
  },
  'clean-tests'() {
    rmSync(join(root, 'build'), { recursive: true, force: true });
  },
  copy() {
    mkdirSync(join(dist, 'static', 'css'), { recursive: true });
    cpSync(join(root, 'index.html'), join(dist, 'index.html'));
    cpSync(join(root, 'styles'), join(dist, 'static', 'css'), { recursive: true });
    cpSync(join(root, 'static'), join(dist, 'static'), { recursive: true });
  },
};

const step = steps[process.argv[2] ?? ''];
if (!step) {
  console.error(`usage: node scripts/build.mjs ${Object.keys(steps).join('|')}`);
  process.exit(2);
}
step();
