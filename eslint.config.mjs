import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.tlab/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // core is the dependency-light kernel (spec, sweep, store); trainer is the ML stack on top of
          // it; the UI reads results and must never pull in training code.
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:trainer', onlyDependOnLibsWithTags: ['scope:core'] },
            // The runner's `tlab report` renders the UI's views offline.
            { sourceTag: 'scope:runner', onlyDependOnLibsWithTags: ['scope:core', 'scope:trainer', 'scope:tracker-ui'] },
            { sourceTag: 'scope:tracker-ui', onlyDependOnLibsWithTags: ['scope:core'] },
            // Benchmarks drive the real entry points of every package.
            { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['scope:core', 'scope:trainer', 'scope:runner', 'scope:tracker-ui'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // With verbatimModuleSyntax, `import { type A } from 'm'` still loads m: the ML stack behind a type.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
);
