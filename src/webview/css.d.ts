/** esbuild's `text` loader (scripts/build.mjs): a .css import is the stylesheet's text. */
declare module '*.css' {
  const text: string;
  export default text;
}
