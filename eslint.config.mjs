import path from 'node:path';
import tseslint from 'typescript-eslint';

const SRC = path.join(import.meta.dirname, 'src');
const RUNBOOKS = path.join(SRC, 'runbooks');

/** Where a file sits in the layout: its runbook folder (or 'shared'), and which side of the activity boundary it is on. */
function placeOf(file) {
  const rel = path.relative(RUNBOOKS, file).replace(/\.ts$/, '').split(path.sep);
  if (rel[0] === '..' || rel.length < 2) return undefined;
  const [runbook, ...rest] = rel;
  const inner = rest.join('/');
  const activitySide = rest.includes('activities') || inner === 'activities' || (runbook === 'shared' && ['deps', 'visibility', 'activityContext'].includes(inner));
  const edge = ['cli', 'config'].includes(rest[rest.length - 1]) || (runbook === 'shared' && inner === 'queries');
  return { runbook, inner, side: activitySide ? 'activity' : edge ? 'edge' : 'workflow' };
}

function resolveSpec(file, spec) {
  return spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : undefined;
}

const isTypeOnly = (node) =>
  node.importKind === 'type' || node.exportKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));

function eachImport(context, check) {
  const visit = (node) => node.source && typeof node.source.value === 'string' && check(node, node.source.value);
  return { ImportDeclaration: visit, ExportNamedDeclaration: visit, ExportAllDeclaration: visit, ImportExpression: visit };
}

/** The layout's import rules (README "Development"), checked on every relative import of src/. */
const layout = {
  rules: {
    'runbook-boundaries': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const here = placeOf(file);
        if (!here) return {};
        return eachImport(context, (node, spec) => {
          const target = resolveSpec(file, spec);
          const there = target && placeOf(target);
          if (!there || there.runbook === here.runbook || there.runbook === 'shared') return;
          if (here.runbook === 'shared') {
            context.report({ node, message: `shared/ must not import the runbook ${there.runbook} ('${spec}'): shared code serves every runbook` });
          } else if (there.inner === 'contract') {
            return;
          } else if (there.inner === 'workflow' && here.side === 'workflow') {
            return; // a child workflow is started by function: executeChild(botHalt, …)
          } else {
            context.report({ node, message: `${here.runbook} imports '${spec}' of the runbook ${there.runbook}: a runbook imports another only through its contract.ts (and a workflow starts another's workflow.ts as a child)` });
          }
        });
      },
    },
    'workflow-imports': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const here = placeOf(file);
        if (!here || here.side !== 'workflow') return {};
        return eachImport(context, (node, spec) => {
          const target = resolveSpec(file, spec);
          if (!target) {
            if (/^(node:|dockerode$|pg$|prom-client$|@temporalio\/(client|worker|activity)$)/.test(spec) && !isTypeOnly(node))
              context.report({ node, message: `workflow code must not import '${spec}': workflows are deterministic and reach the world only through activities` });
            return;
          }
          const there = placeOf(target);
          if (there?.side === 'activity' && !isTypeOnly(node)) {
            context.report({ node, message: `workflow code imports a value from activity code ('${spec}'): use 'import type', and move shared values to the runbook's contract.ts` });
          } else if (!there && !isTypeOnly(node) && !/^(errors|backupIds)$/.test(path.relative(SRC, target))) {
            context.report({ node, message: `workflow code must not import '${spec}' (outside src/runbooks): workflows reach config and integrations only through activities` });
          }
        });
      },
    },
    'integrations-pure': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        if (path.relative(SRC, file).split(path.sep)[0] !== 'integrations') return {};
        return eachImport(context, (node, spec) => {
          const target = resolveSpec(file, spec);
          const top = target && path.relative(SRC, target).split(path.sep)[0];
          if (spec.startsWith('@temporalio/') || ['client', 'runbooks', 'observability', 'worker'].includes(top ?? ''))
            context.report({ node, message: `an integration must not import '${spec}': integrations know neither Temporal, the runbooks nor the clients` });
        });
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.atc/**', '.tools/**', 'coverage/**', '**/*.mjs', '**/*.js', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { layout },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'no default exports' }],
      'layout/runbook-boundaries': 'error',
      'layout/workflow-imports': 'error',
      'layout/integrations-pure': 'error',
    },
  },
  {
    files: ['src/runbooks/**/*.ts'],
    ignores: ['src/runbooks/**/activities/**', 'src/runbooks/**/activities.ts', 'src/runbooks/**/cli.ts', 'src/runbooks/**/config.ts', 'src/runbooks/shared/{deps,visibility,activityContext,queries}.ts'],
    rules: { 'no-console': 'error' },
  },
);
