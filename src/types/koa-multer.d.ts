// Minimal typing for @koa/multer (it ships none): the parts this service uses.
declare module '@koa/multer' {
  import type { Middleware } from 'koa';
  interface Options {
    storage?: unknown;
    limits?: { fileSize?: number; files?: number; fields?: number; fieldSize?: number; parts?: number };
  }
  interface Instance {
    any(): Middleware;
  }
  interface MulterFactory {
    (options?: Options): Instance;
    memoryStorage(): unknown;
  }
  const multer: MulterFactory;
  export default multer;
}
