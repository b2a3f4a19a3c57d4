// `connhost inbox ...`: the webhook inbox seen and replayed from the shell. `status` counts the
// stored events by connection and state; `replay` puts chosen events back to pending and
// processes every pending event into conversations and messages again (idempotent: the rows come
// out the same). Works next to a running `connhost serve`: both may process, to the same result.

#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "cli/table.hpp"
#include "inbox/processor.hpp"

namespace connhost::cli {

int inbox_status(const GlobalOptions& options) {
  auto ctx = HostContext::open(options);
  int rc = ctx.require_host();
  if (rc != kExitOk) return rc;
  auto store = open_migrated_store(*ctx.host, rc);
  if (!store) return rc;
  try {
    auto rows = inbox::inbox_status(*store);
    if (rows.empty()) {
      std::cout << "the inbox is empty\n";
      return kExitOk;
    }
    Table t({"CONNECTION", "PENDING", "PROCESSED", "FAILED", "OLDEST PENDING"});
    for (const auto& r : rows)
      t.add({r.connection, std::to_string(r.pending), std::to_string(r.processed),
             std::to_string(r.failed), r.oldest_pending.empty() ? "-" : r.oldest_pending});
    t.print(std::cout);
    for (const auto& r : rows)
      if (r.failed > 0) {
        std::cout << "failed events: see their error with the store, then `connhost inbox replay "
                     "--failed`\n";
        break;
      }
  } catch (const std::exception& e) {
    std::cerr << "connhost: inbox status failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int inbox_replay(const GlobalOptions& options, const InboxReplayOptions& o) {
  auto ctx = HostContext::open(options);
  int rc = ctx.require_host();
  if (rc != kExitOk) return rc;
  if (!o.connection.empty() && !ctx.host->connection(o.connection)) {
    std::cerr << "connhost: inbox replay: no connection named '" << o.connection << "' in "
              << ctx.host->file.string() << '\n';
    return kExitUsage;
  }
  auto store = open_migrated_store(*ctx.host, rc);
  if (!store) return rc;
  inbox::ReplayFilter f;
  if (!o.connection.empty()) f.connection = o.connection;
  if (!o.event_id.empty()) f.event_id = o.event_id;
  // One named event is replayed whatever its state, unless --failed narrows it.
  f.failed_only = !o.all && (o.failed || o.event_id.empty());
  try {
    int64_t reset = inbox::reset_events(*store, f);
    if (!o.event_id.empty() && reset == 0) {
      std::cerr << "connhost: inbox replay: no " << (f.failed_only ? "failed " : "")
                << "event with id '" << o.event_id << "'"
                << (o.connection.empty() ? "" : " on " + o.connection) << '\n';
      return kExitFailure;
    }
    // As `connhost serve` applies them: a replayed deauthorization follows [contacts] on_revoke.
    auto c = inbox::process_pending(
        *store, 100,
        {.contacts = ctx.host->contacts,
         .connection_platforms = inbox::connection_platforms(*ctx.host, ctx.registry)});
    std::cout << "reset " << reset << " event(s) to pending; processed " << c.processed
              << ", failed " << c.failed << '\n';
    return c.failed > 0 ? kExitFailure : kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "connhost: inbox replay failed: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace connhost::cli
