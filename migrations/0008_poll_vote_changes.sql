ALTER TABLE "poll_ballots" ADD COLUMN "changed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "allow_vote_changes" boolean DEFAULT true NOT NULL;