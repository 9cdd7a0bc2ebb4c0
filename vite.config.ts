import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** The dev server injects inline scripts (React refresh), so only the built page carries index.html's strict CSP. */
const devServerWithoutCsp = {
  name: 'dev-server-without-csp',
  apply: 'serve' as const,
  transformIndexHtml: (html: string) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

export default defineConfig({
  plugins: [react(), devServerWithoutCsp],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
