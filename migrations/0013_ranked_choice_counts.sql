CREATE TABLE "poll_ranking_count_shards" (
	"question_id" uuid NOT NULL,
	"ranking" uuid[] NOT NULL,
	"shard" smallint NOT NULL,
	"ballots" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "poll_ranking_count_shards_question_id_ranking_shard_pk" PRIMARY KEY("question_id","ranking","shard")
);
--> statement-breakpoint
ALTER TABLE "poll_answers" ADD COLUMN "rank" smallint;--> statement-breakpoint
ALTER TABLE "poll_ranking_count_shards" ADD CONSTRAINT "poll_ranking_count_shards_question_id_poll_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."poll_questions"("id") ON DELETE cascade ON UPDATE no action;