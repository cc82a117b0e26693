import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * ESLint for the whole repository: `npm run lint`. tsc (`npm run typecheck`) owns the types; this owns what tsc
 * cannot see, above all promises nobody waits for. The base is typescript-eslint's recommendedTypeChecked, which
 * reads the types through the TypeScript project service, so every rule below sees what tsc sees:
 *
 * - no-floating-promises, no-misused-promises, await-thenable: a task, a send or a sweep whose promise is dropped
 *   fails silently, and an async callback given where a void one is expected loses its rejection. For an
 *   assistant whose rule is "never fail silently" these are the point of linting at all.
 * - no-unsafe-*, no-explicit-any, only-throw-error, no-base-to-string, restrict-template-expressions: the
 *   project's "no any, unknown at the edge narrowed by a schema", errors that are Error objects, and no
 *   "[object Object]" in a message a person reads.
 * - no-unnecessary-type-assertion, unbound-method, no-unused-vars: an assertion tsc no longer needs hides the next
 *   real change of type; a method handed on without its object loses `this`; an unused name is usually a
 *   mistake. A leading `_` marks a name left unused on purpose (a parameter an interface requires, a property
 *   taken out of a rest copy).
 *
 * Added to the recommended set, each cheap and each a real failure in code like this:
 * - return-await (in-try-catch): `return promise` inside try/catch/finally skips the catch and runs the finally
 *   before the promise settles.
 * - switch-exhaustiveness-check: a new task kind, intent or lane must be handled in every switch over it.
 * - no-deprecated: LangChain v1, MikroORM 7, zod 4 and BullMQ keep renaming APIs; a deprecated call is a break
 *   waiting for the next upgrade.
 * - eqeqeq (smart: `== null` stays allowed).
 * - no-console in src outside the CLI entry points: services log through pino, with ids and never message text.
 *
 * Left out on purpose:
 * - require-await (recommended, turned off): its hits here are async functions that implement a Promise-returning
 *   port (a channel's send, a task handler's execute, a fake queue in a test) with nothing to await. `async` there
 *   is what makes a thrown error a rejection, as the port's callers expect; rewriting each to
 *   `return Promise.resolve(...)` would change that and say less.
 * - no-unnecessary-condition (strict set): messages from Telegram, WhatsApp and partners are often checked again
 *   after a type says they cannot be missing; that defence is wanted here, not noise to remove.
 * - no-non-null-assertion stays off (as in recommended): with noUncheckedIndexedAccess, `rows[0]!` after a
 *   length check is the honest spelling.
 *
 * No `--cache`: a type-aware result depends on other files' types, and ESLint's cache only sees the file itself.
 */
export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/'] },
  // A disable comment that no longer disables anything fails the lint, so none outlives its reason.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-deprecated': 'error',
      eqeqeq: ['error', 'smart'],
      // A `let` that a closure reads before its one assignment (a lazy reference to something built after the
      // closure) must stay a `let`: as a `const` the early read would throw instead of seeing undefined.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/cli/**'], rules: { 'no-console': 'error' } },
  // The two JavaScript config files (jest's, this one) are plain ES modules outside the TypeScript project.
  { files: ['**/*.js'], languageOptions: { sourceType: 'module' } },
);
