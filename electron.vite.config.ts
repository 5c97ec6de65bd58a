import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      // zod inside the bundle: as a package it loads as ~100 separate modules at every start (~90 ms).
      externalizeDeps: { exclude: ['zod'] },
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
    // zod only through src/renderer/src/zod.ts, which turns off its eval probe first (CSP).
    resolve: { alias: [{ find: /^zod$/, replacement: resolve(__dirname, 'src/renderer/src/zod.ts') }] },
    build: {
      // Minified: the start-up script is parsed on every window open (2.1 MB → ~0.7 MB).
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        output: {
          // zod and its jitless setting (src/renderer/src/zod.ts) in one chunk, loaded by the views that validate.
          manualChunks: (id: string) => (/[\\/]node_modules[\\/]zod[\\/]|[\\/]renderer[\\/]src[\\/]zod\.ts$/.test(id) ? 'zod' : undefined),
        },
      },
    },
    plugins: [react()],
  },
})
