/** One file browsers load beside the HTML, as scripts/build-static-files.ts generates it. */
export interface StaticFile {
  /** `Content-Type`, with its charset. */
  type: string;
  /** A strong ETag derived from the bytes. */
  etag: string;
  body: string;
}

/** Every static file by the URL path it is served at (`/docs/vendor/swagger-ui.css`). */
declare const files: Readonly<Record<string, StaticFile>>;
export default files;
