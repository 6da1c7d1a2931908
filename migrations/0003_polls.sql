CREATE TABLE "poll_answers" (
	"ballot_id" uuid NOT NULL,
	"poll_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"choice_id" uuid NOT NULL,
	CONSTRAINT "poll_answers_ballot_id_choice_id_pk" PRIMARY KEY("ballot_id","choice_id")
);
--> statement-breakpoint
CREATE TABLE "poll_ballots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"poll_id" uuid NOT NULL,
	"voter_key" text NOT NULL,
	"user_id" uuid,
	"ip_hash" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_choices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"question_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_questions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"poll_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"prompt" text NOT NULL,
	"kind" text NOT NULL,
	"max_selections" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"voters" text NOT NULL,
	"results_visibility" text NOT NULL,
	"max_votes_per_ip" integer DEFAULT 10 NOT NULL,
	"closes_at" timestamp (3) with time zone,
	"closed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (3) with time zone
);
--> statement-breakpoint
-- The answers' composite foreign key below needs this unique index to exist first.
CREATE UNIQUE INDEX "poll_choices_question_id_key" ON "poll_choices" USING btree ("question_id","id");--> statement-breakpoint
ALTER TABLE "poll_answers" ADD CONSTRAINT "poll_answers_ballot_id_poll_ballots_id_fk" FOREIGN KEY ("ballot_id") REFERENCES "public"."poll_ballots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_answers" ADD CONSTRAINT "poll_answers_question_id_choice_id_poll_choices_question_id_id_fk" FOREIGN KEY ("question_id","choice_id") REFERENCES "public"."poll_choices"("question_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD CONSTRAINT "poll_ballots_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD CONSTRAINT "poll_ballots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_choices" ADD CONSTRAINT "poll_choices_question_id_poll_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."poll_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_questions" ADD CONSTRAINT "poll_questions_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "poll_answers_choice_idx" ON "poll_answers" USING btree ("choice_id");--> statement-breakpoint
CREATE INDEX "poll_answers_question_idx" ON "poll_answers" USING btree ("question_id","ballot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "poll_ballots_voter_key" ON "poll_ballots" USING btree ("poll_id","voter_key");--> statement-breakpoint
CREATE INDEX "poll_ballots_ip_idx" ON "poll_ballots" USING btree ("poll_id","ip_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "poll_choices_question_position_key" ON "poll_choices" USING btree ("question_id","position");--> statement-breakpoint
CREATE INDEX "poll_questions_poll_idx" ON "poll_questions" USING btree ("poll_id","position");--> statement-breakpoint
CREATE INDEX "polls_created_idx" ON "polls" USING btree ("created_at","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "polls_owner_idx" ON "polls" USING btree ("owner_id","created_at","id");