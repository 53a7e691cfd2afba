// Vite turns `import url from '...wasm?url'` into the URL of the emitted file (the renderer build serves it).
declare module '*.wasm?url' {
  const url: string;
  // eslint-disable-next-line no-restricted-syntax -- Vite's ?url modules have only a default export
  export { url as default };
}
