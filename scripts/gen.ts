import { readFileSync, writeFileSync } from 'node:fs';

import { generatedFiles, replaceReadmeSection } from './generated.js';

for (const [path, render] of Object.entries(generatedFiles)) {
  writeFileSync(path, render());
  console.log(`wrote ${path}`);
}
writeFileSync('README.md', replaceReadmeSection(readFileSync('README.md', 'utf8')));
console.log('updated the settings table in README.md');
