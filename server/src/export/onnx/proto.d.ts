// A schema file imported as its text: `?raw` is Vite's convention (vitest reads it so), and build.mjs gives esbuild the same.
declare module '*.proto?raw' {
  const text: string;
  export default text;
}
