ALTER TABLE "notes" ADD COLUMN "created_by_credential" text;--> statement-breakpoint
ALTER TABLE "notes" ADD COLUMN "created_by_credential_id" uuid;--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD COLUMN "created_by_credential" text DEFAULT nullif(current_setting('devhub.ballot_credential', true), '');--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD COLUMN "created_by_credential_id" uuid DEFAULT nullif(current_setting('devhub.ballot_credential_id', true), '')::uuid;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "created_by_credential" text;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "created_by_credential_id" uuid;