import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // serve: serve mode's entry, bundled so `npm run serve` starts without transpiling TypeScript.
        input: { index: resolve(__dirname, 'src/main/index.ts'), serve: resolve(__dirname, 'src/main/transport/serve/main.ts') },
        // Native and ESM-only packages load from node_modules at run time.
        external: ['better-sqlite3', 'sqlite-vec', 'node-llama-cpp', 'ws', 'electron'],
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      // Minified: the start-up script is parsed on every window open (2.1 MB → ~0.7 MB).
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        output: {
          // zod and zod-setup.ts (jitless: no eval under the CSP) in one chunk that runs before any
          // chunk that builds schemas: with the views split into chunks, the shared chunk's schemas
          // would otherwise be built before the setting and make Chromium report an eval violation.
          manualChunks: (id: string) => (/[\\/]node_modules[\\/]zod[\\/]|[\\/]zod-setup\.ts$/.test(id) ? 'zod' : undefined),
        },
      },
    },
    plugins: [react()],
  },
})
