import Foundation
import GRDB

/// The schema, one named migration per change. Never edit a migration once it has shipped:
/// add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: initiatives, step runs, events, outbox") { db in
            try db.create(table: "initiative") { t in
                t.primaryKey("id", .text)
                t.column("title", .text).notNull()
                t.column("workflow", .text).notNull()
                t.column("phase", .text).notNull()
                t.column("cycle", .integer).notNull()
                t.column("state", .jsonText).notNull()
                t.column("lastReminderAt", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "stepRun") { t in
                t.column("initiative", .text).notNull().references("initiative", onDelete: .restrict)
                t.column("number", .integer).notNull()
                t.column("step", .text).notNull()
                t.column("cycle", .integer).notNull()
                t.column("owner", .text).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("dueAt", .datetime).notNull()
                t.column("closedAt", .datetime)
                t.column("outcome", .text)
                t.column("actor", .text)
                t.column("note", .text)
                t.primaryKey(["initiative", "number"])
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("initiative", .text).notNull().indexed()
                t.column("at", .datetime).notNull()
                t.column("kind", .text).notNull()
                t.column("actor", .text)
                t.column("step", .text)
                t.column("cycle", .integer).notNull()
                t.column("run", .integer)
                t.column("details", .jsonText).notNull()
            }
            // The audit log is append-only: the database itself refuses edits.
            try db.execute(sql: """
                CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("initiative", .text)
                t.column("kind", .text).notNull()
                t.column("notifier", .text).notNull()
                t.column("recipient", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("lastError", .text)
                t.column("deliveredAt", .datetime)
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "nextAttemptAt"])
        }
        migrator.registerMigration("v2: disabled notifiers") { db in
            // A notifier whose endpoint answered 410 Gone stops receiving messages until an
            // operator enables it again; its messages wait in the outbox meanwhile.
            try db.create(table: "disabledNotifier") { t in
                t.primaryKey("name", .text)
                t.column("disabledAt", .datetime).notNull()
                t.column("reason", .text).notNull()
            }
        }
        migrator.registerMigration("v3: survey rounds, responses, follow-ups") { db in
            try db.create(table: "surveyRound") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("initiative", .text).notNull().references("initiative", onDelete: .restrict)
                t.column("number", .integer).notNull()
                t.column("round", .jsonText).notNull()
                t.column("status", .text).notNull()
                t.uniqueKey(["initiative", "number"])
            }
            try db.create(table: "surveyResponse") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("round", .integer).notNull().references("surveyRound", onDelete: .restrict)
                t.column("respondent", .text).notNull()
                t.column("answeredAt", .datetime).notNull()
                t.column("score", .integer)
                t.column("touchpoint", .text)
                t.column("comment", .text)
                t.column("emotion", .text)
                t.column("importedAt", .datetime).notNull()
                // Re-importing a file is harmless: one answer per respondent and round.
                t.uniqueKey(["round", "respondent"])
            }
            try db.create(index: "surveyResponse_touchpoint", on: "surveyResponse", columns: ["round", "touchpoint"])
            try db.create(table: "followUp") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("initiative", .text).notNull().references("initiative", onDelete: .restrict)
                t.column("response", .integer).notNull().unique().references("surveyResponse", onDelete: .restrict)
                t.column("touchpoint", .text)
                t.column("state", .jsonText).notNull()
                t.column("open", .boolean).notNull()
            }
        }
        migrator.registerMigration("v4: next-wake index, evaluation errors, installation id") { db in
            // The scheduler finds the initiatives due through this index instead of walking all
            // of them; NULL means only a person can move the initiative on. Rows migrated from an
            // older schema are due at once, so the first evaluation computes their next wake.
            try db.alter(table: "initiative") { t in
                t.add(column: "nextWakeAt", .datetime)
                // An evaluation that failed for this initiative alone: shown by `cxd status`,
                // retried later, the others go on.
                t.add(column: "lastError", .text)
                t.add(column: "failingSince", .datetime)
            }
            try db.execute(sql: "UPDATE initiative SET nextWakeAt = ?", arguments: [Date(timeIntervalSince1970: 0)])
            try db.create(index: "initiative_nextWake", on: "initiative", columns: ["nextWakeAt"])
            // One row naming this database, so that message ids never repeat after a database
            // is reset: receivers that drop duplicates by id keep receiving new messages.
            try db.create(table: "installation") { t in
                t.primaryKey("id", .text)
                t.column("createdAt", .datetime).notNull()
            }
            try db.execute(
                sql: "INSERT INTO installation (id, createdAt) VALUES (?, ?)",
                arguments: [Self.newInstallationID(), Date()])
        }
        migrator.registerMigration("v5: delivery lanes, attempt history, notifier health") { db in
            try db.alter(table: "outbox") { t in
                // Where `delivery.max_age` counts from after `cxd outbox retry` (NULL: createdAt),
                // and the attempt count at that moment (the backoff starts afresh from it), so
                // that a retry keeps `attempts` and `createdAt` as history.
                t.add(column: "ageStartedAt", .datetime)
                t.add(column: "backoffFrom", .integer).notNull().defaults(to: 0)
                // Set when an attempt is counted, just before the send.
                t.add(column: "lastAttemptAt", .datetime)
            }
            // Each notifier's lane selects its own due messages (and its next due time) here.
            try db.execute(sql: "CREATE INDEX outbox_lane ON outbox (notifier, nextAttemptAt) WHERE status = 'pending'")
            // The current failure episode of each notifier and the dead messages not reported yet.
            try db.create(table: "notifierHealth") { t in
                t.primaryKey("notifier", .text)
                t.column("failingSince", .datetime)
                t.column("lastFailureAt", .datetime)
                t.column("lastError", .text)
                t.column("failingAlertedAt", .datetime)
                t.column("deadUnreported", .integer).notNull().defaults(to: 0)
                t.column("deadReportedAt", .datetime)
                t.column("deadReports", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v6: stored status, definition index, configuration fingerprint") { db in
            // What `cxd status` prints, kept with each state write so that listing initiatives
            // reads columns instead of decoding every state and parsing every YAML file.
            try db.alter(table: "initiative") { t in
                t.add(column: "openStep", .text)
                t.add(column: "stepTitle", .text)
                t.add(column: "owner", .text)
                t.add(column: "dueAt", .datetime)
                t.add(column: "nextReminderAt", .datetime)
                t.add(column: "startsAt", .datetime)
            }
            // Existing rows get their status at their next evaluation: make them all due.
            try db.execute(sql: "UPDATE initiative SET nextWakeAt = ?", arguments: [Date(timeIntervalSince1970: 0)])
            // Each initiative file as last read: a file whose size and modification time did
            // not change is not read again, and the engine takes its definition from here.
            try db.create(table: "initiativeSource") { t in
                t.primaryKey("initiative", .text)
                t.column("path", .text).notNull().unique()
                t.column("size", .integer).notNull()
                t.column("modified", .integer).notNull()
                // The definition without its document, and the document (the whole file as
                // data) apart: only the commands that check `requires:` or draw the journey need
                // it, and it is most of the decoding time.
                t.column("definition", .jsonText).notNull()
                t.column("document", .jsonText).notNull()
            }
            // Small facts about the installation (the configuration fingerprint).
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v7: survey answer tally, import provenance") { db in
            // Where each answer came from (the import's id and the file's line), so that an
            // import can tell a respondent repeated in its own file from one stored earlier
            // through the unique (round, respondent) key, without a set of every respondent.
            try db.alter(table: "surveyResponse") { t in
                t.add(column: "importID", .text)
                t.add(column: "line", .integer)
            }
            // Answers counted per round, touchpoint, score and emotion: every metric of a round
            // comes from these counts (O(groups), not O(answers)). Kept in the transaction that
            // inserts answers (`insertResponses`). NULL (no touchpoint, unanswered, no emotion)
            // is a value of its own in the key.
            try db.execute(sql: """
                CREATE TABLE surveyTally (
                  round INTEGER NOT NULL REFERENCES surveyRound(id) ON DELETE RESTRICT,
                  touchpoint TEXT,
                  score INTEGER,
                  emotion TEXT,
                  count INTEGER NOT NULL);
                CREATE UNIQUE INDEX surveyTally_key ON surveyTally (\(tallyKey));
                INSERT INTO surveyTally (round, touchpoint, score, emotion, count)
                  SELECT round, touchpoint, score, emotion, COUNT(*) FROM surveyResponse
                  GROUP BY round, touchpoint, score, emotion;
                """)
            // Per-touchpoint figures come from the tally now; no query reads answers by
            // touchpoint, and this index was a third B-tree written for every answer imported.
            try db.drop(index: "surveyResponse_touchpoint")
        }
        migrator.registerMigration("v8: audit entries by kind, follow-ups by initiative and wake") { db in
            // The last verdict (`status ID`) is the latest entry of one kind: found through this
            // index, not by reading back through every follow-up and reminder of the initiative.
            try db.create(index: "event_kind", on: "event", columns: ["initiative", "kind"])
            // An initiative's follow-ups counted per touchpoint (in index order, from the index
            // alone), and listed.
            try db.create(index: "followUp_initiative", on: "followUp", columns: ["initiative", "touchpoint", "open"])
            // When each open follow-up's next reminder is due: an evaluation loads the ones due,
            // not every open follow-up of the initiative (an import can open tens of thousands).
            // Open ones written before this migration are due now once, which sets it.
            try db.alter(table: "followUp") { t in t.add(column: "nextWakeAt", .datetime) }
            try db.execute(sql: "UPDATE followUp SET nextWakeAt = ? WHERE open = 1", arguments: [Date(timeIntervalSince1970: 0)])
            try db.create(index: "followUp_wake", on: "followUp", columns: ["initiative", "nextWakeAt"])
        }
        migrator.registerMigration("v9: one-click links, calendar feeds, link key") { db in
            // A one-click link acts once: its id (from its signature) is kept until it expires.
            try db.create(table: "usedLink") { t in
                t.primaryKey("id", .text)
                t.column("person", .text).notNull()
                t.column("initiative", .text).notNull()
                t.column("usedAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull().indexed()
            }
            // Calendar tokens are derived from the link key, the person and this generation:
            // `cxd calendar PERSON --revoke` moves the generation, and every older URL stops working.
            try db.create(table: "calendarFeed") { t in
                t.primaryKey("person", .text)
                t.column("generation", .integer).notNull()
            }
            // A person's open steps (their task list, their calendar feed), and the list
            // filtered by phase or owner, found through indexes rather than a scan.
            try db.create(index: "initiative_owner", on: "initiative", columns: ["owner", "phase", "id"])
            try db.create(index: "initiative_phase", on: "initiative", columns: ["phase", "id"])
            // `/metrics` counts initiatives per phase and step, and the overdue ones, at every
            // scrape: from this index alone, without sorting the table (27 → 3 ms at 10,000).
            try db.create(index: "initiative_step", on: "initiative", columns: ["phase", "openStep", "dueAt"])
            // A person's open follow-ups: the owner is kept beside the JSON state.
            try db.alter(table: "followUp") { t in t.add(column: "owner", .text) }
            try db.execute(sql: "UPDATE followUp SET owner = json_extract(state, '$.run.owner')")
            try db.create(index: "followUp_owner", on: "followUp", columns: ["owner", "open"])
            // The key that signs links, sign-ins and calendar tokens when `http.link_key_file`
            // (or `_env`) gives none: made once, so that links survive restarts.
            try db.execute(
                sql: "INSERT INTO setting (key, value) VALUES ('link_key', ?)", arguments: [Self.newSecretKey()])
        }
        migrator.registerMigration("v10: initiative versions") { db in
            // Every write of an initiative's state moves its version on and is made only over
            // the version its transaction read: a CLI command and the scheduler (on another
            // machine, with PostgreSQL) never overwrite each other's update silently.
            try db.alter(table: "initiative") { t in t.add(column: "version", .integer).notNull().defaults(to: 1) }
        }
        migrator.registerMigration("v11: outbox claims, nodes") { db in
            // A claim is a lease: the node sending a message holds it until `claimedUntil`;
            // a node that dies mid-send leaves it to expire, and another node sends again
            // (with the same key). One node on SQLite; several on PostgreSQL. `claimedBy`
            // stays after the outcome: the node that last tried the message.
            try db.alter(table: "outbox") { t in
                t.add(column: "claimedBy", .text)
                t.add(column: "claimedUntil", .datetime)
            }
            // The `cxd run` processes on this database, for `cxd status`.
            try db.create(table: "node") { t in
                t.primaryKey("id", .text)
                t.column("host", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("role", .text).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("heartbeatAt", .datetime).notNull()
            }
        }
        return migrator
    }

    /// 32 random bytes, in hex.
    static func newSecretKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The unique key of `surveyTally`: NULL and every value apart (a plain UNIQUE would let
    /// NULLs repeat, a COALESCE would mix NULL with a sentinel value).
    static let tallyKey = """
        round, touchpoint IS NULL, IFNULL(touchpoint, ''), score IS NULL, IFNULL(score, 0), \
        emotion IS NULL, IFNULL(emotion, '')
        """

    /// Twelve random hex digits: short enough to read in an id, long enough never to repeat.
    static func newInstallationID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() & 0xffff_ffff_ffff
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}
