import type { Note, NoteList } from "../../src/routes/notes/notes.schemas.ts";
import { api, apiJson } from "./api.ts";
import { bearer, registerUser, type TestUser } from "./auth.ts";

/** A user plus request helpers bound to their token. */
export async function noteClient(existing?: TestUser) {
  const user = existing ?? (await registerUser());
  const auth = bearer(user.tokens.access_token);
  const client = {
    user,
    auth,
    get: (path: string, headers: Record<string, string> = {}) =>
      api(path, { headers: { ...auth, ...headers } }),
    send: (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      body === undefined
        ? api(path, { method, headers: { ...auth, ...headers } })
        : apiJson(path, method, body, { ...auth, ...headers }),
    async create(
      fields: Partial<Note> & { title: string },
      headers: Record<string, string> = {},
    ): Promise<Note> {
      const response = await client.send("POST", "/notes", fields, headers);
      if (response.status !== 201)
        throw new Error(`create failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as Note;
    },
    async list(query: string): Promise<NoteList> {
      const response = await client.get(`/notes?${query}`);
      if (response.status !== 200)
        throw new Error(`list failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as NoteList;
    },
  };
  return client;
}

export type NoteClient = Awaited<ReturnType<typeof noteClient>>;

export const uniqueTag = () => `t-${crypto.randomUUID().slice(0, 12)}`;
