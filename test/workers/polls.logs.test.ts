import { describe, expect, it } from "vitest";
import { apiWithEnv } from "../helpers/api.ts";
import { adminTokens, bearer, registerUser } from "../helpers/auth.ts";
import { captureLogs, logEntries } from "../helpers/logs.ts";
import { answersFor, ownerWithPoll } from "../helpers/polls.ts";

describe("poll log channels", () => {
  it("writes votes and closes to `event`, and an admin's deletion to `admin`", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    const admin = await adminTokens();
    const call = apiWithEnv({ LOG_LEVEL: "info" });
    const lines = captureLogs();
    const post = (path: string, token: string, body?: unknown) =>
      call(path, {
        method: "POST",
        headers: { ...bearer(token), "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await post(`/polls/${poll.id}/votes`, voter.tokens.access_token, answersFor(poll))).status).toBe(
      201,
    );
    expect((await post(`/polls/${poll.id}/close`, owner.tokens.access_token)).status).toBe(200);
    const deleted = await call(`/polls/${poll.id}`, {
      method: "DELETE",
      headers: bearer(admin.access_token),
    });
    expect(deleted.status).toBe(204);
    const events = logEntries(lines, "event").map((e) => e.msg);
    expect(events).toEqual(expect.arrayContaining(["poll.voted", "poll.closed", "poll.deleted"]));
    const adminEntry = logEntries(lines, "admin")[0];
    expect(adminEntry).toMatchObject({
      msg: "poll.deleted_by_admin",
      poll_id: poll.id,
      owner_id: owner.tokens.user.id,
    });
  });
});
