CREATE TABLE "poll_invites" (
	"id" uuid PRIMARY KEY NOT NULL,
	"poll_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD COLUMN "changed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "allow_vote_changes" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_invites" ADD CONSTRAINT "poll_invites_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "poll_invites_token_key" ON "poll_invites" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "poll_invites_poll_idx" ON "poll_invites" USING btree ("poll_id","created_at","id");