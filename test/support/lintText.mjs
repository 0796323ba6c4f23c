// Lints texts as if they were files of the tree, in one ESLint process (the typed parser loads the project once).
// Input on stdin: JSON [{ file, text }]; output on stdout: JSON [{ file, errorCount, messages: [text] }].
import { ESLint } from 'eslint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { file, text } of cases) {
  const [result] = await eslint.lintText(text, { filePath: file, warnIgnored: false });
  out.push({
    file,
    errorCount: result?.errorCount ?? 0,
    messages: (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`),
  });
}
process.stdout.write(JSON.stringify(out));
