// The infrastructure, checked on what the real Bicep compiler makes of it (infra/arm-checks.ts): the ARM template
// of main.bicep and `bicep snapshot` of main.bicepparam in three situations (production, a public redeployment,
// a new vault after a delete). Lint and build errors are `npm run infra:check`, which `npm test` runs first.
// Without a compiler (no bicep and no dotnet to restore it), these tests are skipped and say so, except under
// REQUIRE_BICEP=1 (CI), where that is a failure.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { type Bicep, findBicep } from '../scripts/bicep.js';
import { armChecks, type InfraModel, loadInfraModel } from './arm-checks.js';

const infraDir = path.dirname(fileURLToPath(import.meta.url));
const bicep: Bicep | undefined = await findBicep();
const required = process.env.REQUIRE_BICEP === '1';

if (bicep === undefined) {
  const message = 'infra ARM tests SKIPPED: no Bicep compiler (run npm run infra:check to restore it from NuGet)';
  console.warn(message);
  describe('infra (compiled)', () => {
    it.skipIf(!required)('needs the Bicep compiler (REQUIRE_BICEP=1)', () => {
      expect.fail(message);
    });
  });
} else {
  let model: InfraModel;
  beforeAll(async () => {
    model = await loadInfraModel(bicep, infraDir, path.join(infraDir, '..', 'host.json'));
  }, 600_000);

  const areas = [...new Set(armChecks.map((c) => c.area))];
  for (const area of areas) {
    describe(`infra (compiled, bicep ${bicep.version}): ${area}`, () => {
      for (const c of armChecks.filter((x) => x.area === area)) it(c.name, () => c.check(model));
    });
  }
}
