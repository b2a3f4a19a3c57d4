// `connhost contacts ...` (docs/contacts.md, "API and CLI"): the contact model from the shell.
// list/show/history/consent read it, export writes the CSV (masked unless --pii: the operator at
// the shell owns the store, but a file travels further than a terminal), erase removes a person's
// personal data, sync fetches profiles now. Terminal output masks nothing: whoever runs this can
// read the database file anyway.

#include <unistd.h>

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/login_services.hpp"
#include "cli/store_open.hpp"
#include "cli/table.hpp"
#include "contacts/contact_query.hpp"
#include "contacts/csv_export.hpp"
#include "contacts/erasure.hpp"
#include "contacts/profile_sync.hpp"
#include "http/client.hpp"

namespace connhost::cli {
namespace {

struct ContactsOptions {
  std::string search, platform, output, reason, connection;
  int64_t limit = 50;
  int64_t id = 0;
  bool pii = false, yes = false, force = false;
};

// The store of the configuration, migrated; nothing after printing why.
std::optional<store::Store> store_for(const GlobalOptions& options, int& rc) {
  auto ctx = HostContext::open(options);
  rc = ctx.require_host();
  if (rc != kExitOk) return std::nullopt;
  return open_migrated_store(*ctx.host, rc);
}

// Profile values come from the platforms: a control character in one (a newline, an escape
// sequence) must not break the table or drive the terminal.
std::string printable(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

std::string or_dash(const std::optional<std::string>& s) {
  return s && !s->empty() ? printable(*s) : "-";
}

// Runs `body` on the migrated store, turning a failure into a message and an exit code.
template <typename F>
int with_store(const GlobalOptions& options, std::string_view what, F&& body) {
  int rc = kExitOk;
  auto store = store_for(options, rc);
  if (!store) return rc;
  try {
    return body(*store);
  } catch (const std::exception& e) {
    std::cerr << "connhost: contacts " << what << " failed: " << e.what() << '\n';
    return kExitFailure;
  }
}

int no_contact(int64_t id) {
  std::cerr << "connhost: no contact " << id << '\n';
  return kExitFailure;
}

int list(const GlobalOptions& g, const ContactsOptions& o) {
  return with_store(g, "list", [&](store::Store& store) {
    contacts::ContactFilter f{.search = o.search, .limit = o.limit};
    if (!o.platform.empty()) f.platform = o.platform;
    auto page = contacts::list_contacts(store.session(), f);
    if (page.contacts.empty()) {
      std::cout << "no contacts" << (o.search.empty() && o.platform.empty() ? "" : " match")
                << '\n';
      return kExitOk;
    }
    Table t({"ID", "NAME", "PLATFORMS", "STATUS", "UPDATED"});
    for (const auto& c : page.contacts) {
      std::string platforms;
      for (const auto& p : c.platforms) platforms += (platforms.empty() ? "" : ",") + p;
      t.add({std::to_string(c.id), or_dash(c.display_name), platforms.empty() ? "-" : platforms,
             c.status, c.updated_at});
    }
    t.print(std::cout);
    if (page.total > static_cast<int64_t>(page.contacts.size()))
      std::cout << page.contacts.size() << " of " << page.total << " contacts (--limit N)\n";
    return kExitOk;
  });
}

int show(const GlobalOptions& g, const ContactsOptions& o) {
  return with_store(g, "show", [&](store::Store& store) {
    auto c = contacts::get_contact(store.session(), o.id);
    if (!c) return no_contact(o.id);
    std::cout << "contact " << c->id << ": " << or_dash(c->display_name) << "\n  status "
              << c->status << (c->erased_at ? " at " + *c->erased_at : "") << ", created "
              << c->created_at << ", updated " << c->updated_at << "\n  local user "
              << (c->user_id ? std::to_string(*c->user_id) : "-") << '\n';
    for (const auto& i : c->identities) {
      std::cout << "\nidentity " << i.id << ": " << i.platform << " "
                << printable(i.platform_user_id) << " (" << i.status << ", connection "
                << or_dash(i.connection) << ", grant "
                << (i.grant_id ? std::to_string(*i.grant_id) : "-") << ", fetched "
                << or_dash(i.fetched_at) << ")\n";
      if (i.sync)
        std::cout << "  sync " << i.sync->status << ", last " << or_dash(i.sync->last_synced_at)
                  << ", next due " << or_dash(i.sync->next_due_at)
                  << (i.sync->error ? ", error: " + *i.sync->error : "") << '\n';
      if (i.attributes.empty()) continue;
      Table t({"ATTRIBUTE", "VALUE", "FETCHED"});
      for (const auto& a : i.attributes) t.add({a.name, printable(a.value), a.fetched_at});
      t.print(std::cout);
    }
    return kExitOk;
  });
}

int history(const GlobalOptions& g, const ContactsOptions& o) {
  return with_store(g, "history", [&](store::Store& store) {
    auto& sql = store.session();
    if (!contacts::get_contact(sql, o.id)) return no_contact(o.id);
    auto versions = contacts::contact_history(sql, o.id);
    if (versions.empty()) {
      std::cout << "contact " << o.id << " has no profile versions\n";
      return kExitOk;
    }
    for (const auto& v : versions) {
      std::cout << v.fetched_at << "  " << v.platform << " (" << v.connection << ") version "
                << v.version << ", changed:";
      for (const auto& c : v.changed) std::cout << ' ' << c;
      std::cout << '\n';
      for (const auto& [name, value] : v.attributes)
        std::cout << "  " << name << " = " << printable(value) << '\n';
    }
    return kExitOk;
  });
}

int consent(const GlobalOptions& g, const ContactsOptions& o) {
  return with_store(g, "consent", [&](store::Store& store) {
    auto& sql = store.session();
    if (!contacts::get_contact(sql, o.id)) return no_contact(o.id);
    auto events = contacts::contact_consent(sql, o.id);
    if (events.empty()) {
      std::cout << "no consent recorded for contact " << o.id << '\n';
      return kExitOk;
    }
    Table t({"AT", "GRANT", "CONNECTION", "EVENT", "SCOPES", "PREVIOUS", "SOURCE", "DETAIL"});
    for (const auto& e : events)
      t.add({e.at, std::to_string(e.grant_id), e.connection, e.event, e.scopes,
             or_dash(e.previous_scopes), e.source, or_dash(e.detail)});
    t.print(std::cout);
    return kExitOk;
  });
}

int export_contacts(const GlobalOptions& g, const ContactsOptions& o) {
  return with_store(g, "export", [&](store::Store& store) {
    std::ofstream file;
    if (!o.output.empty()) {
      file.open(o.output, std::ios::binary | std::ios::trunc);
      if (!file) {
        std::cerr << "connhost: contacts export: cannot write " << o.output << '\n';
        return kExitFailure;
      }
    }
    std::ostream& out = o.output.empty() ? std::cout : file;
    contacts::export_csv(store.session(), o.pii,
                         [&](std::string_view chunk) { out.write(chunk.data(), chunk.size()); });
    out.flush();
    if (!out) {
      std::cerr << "connhost: contacts export: writing failed\n";
      return kExitFailure;
    }
    if (!o.output.empty())
      std::cerr << "wrote " << o.output << (o.pii ? " (with personal data)" : " (PII masked)")
                << '\n';
    return kExitOk;
  });
}

int erase(const GlobalOptions& g, const ContactsOptions& o) {
  if (!o.yes) {
    if (!isatty(STDIN_FILENO)) {
      std::cerr << "connhost: contacts erase: not a terminal, so nobody can confirm; pass --yes "
                   "to erase contact "
                << o.id << '\n';
      return kExitUsage;
    }
    std::cout << "Erase the personal data of contact " << o.id
              << "? This cannot be undone. Type 'erase' to confirm: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "erase") {
      std::cerr << "connhost: contacts erase: not confirmed; nothing was erased\n";
      return kExitFailure;
    }
  }
  return with_store(g, "erase", [&](store::Store& store) {
    auto report =
        contacts::erase_contact(store, {.contact_id = o.id, .actor = "cli", .reason = o.reason});
    if (!report) return no_contact(o.id);
    if (report->already_erased) {
      std::cout << "contact " << o.id << " was already erased (audit record " << report->audit_id
                << ")\n";
      return kExitOk;
    }
    std::cout << "erased contact " << o.id << " (audit record " << report->audit_id << ")\n";
    Table t({"TABLE", "ROWS CHANGED"});
    for (const auto& [table, n] : report->counts) t.add({table, std::to_string(n)});
    t.print(std::cout);
    return kExitOk;
  });
}

int sync_profiles(const GlobalOptions& g, const ContactsOptions& o) {
  auto ctx = HostContext::open(g);
  auto loaded = config::load_file(g.config_file, ctx.schema_lookup());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  const auto& cfg = *loaded.config;
  // Without a name: every connection whose plugin can fetch profiles.
  std::vector<std::string> names;
  for (const auto& c : cfg.connections) {
    if (!o.connection.empty() && c.name != o.connection) continue;
    const auto* p = ctx.registry.find(c.plugin);
    if (!p || !(p->capabilities & CH_CAP_PROFILE)) {
      if (!o.connection.empty()) {
        std::cerr << "connhost: contacts sync: connection '" << c.name << "' (plugin " << c.plugin
                  << ") has no profile capability\n";
        return p ? kExitUsage : kExitPluginMissing;
      }
      continue;
    }
    names.push_back(c.name);
  }
  if (!o.connection.empty() && names.empty()) {
    std::cerr << "connhost: contacts sync: no connection named '" << o.connection << "' in "
              << g.config_file.string() << '\n';
    return kExitUsage;
  }
  if (names.empty()) {
    std::cout << "no connection has a plugin with the profile capability\n";
    return kExitOk;
  }
  int rc = kExitOk;
  auto store = open_migrated_store(cfg, rc);
  if (!store) return rc;
  try {
    auto http = std::make_shared<http::Client>();
    auto login = LoginServices::open(cfg, ctx.registry, http, nullptr, rc);
    if (!login) return rc;
    contacts::SyncServices services{.config = cfg,
                                    .plugins = ctx.registry,
                                    .http = http,
                                    .keyring = login->keyring(),
                                    .refresher = &login->refresher()};
    bool failed = false;
    for (const auto& name : names) {
      auto r = contacts::sync_connection(store->session(), services, name, o.force);
      std::cout << name << ": " << r.synced << " synced, " << r.unchanged << " unchanged, "
                << r.failed << " failed, " << r.skipped << " skipped\n";
      for (const auto& gs : r.grants)
        if (gs.status != "ok" && gs.status != "unchanged" && !gs.message.empty())
          std::cout << "  grant " << gs.grant_id << " " << gs.status << ": " << gs.message << '\n';
      failed = failed || r.failed > 0;
    }
    return failed ? kExitFailure : kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "connhost: contacts sync failed: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace

void add_contacts_commands(CLI::App& app, const GlobalOptions& g, int& rc,
                           const std::function<void()>& finish) {
  // CLI11 writes into the options when it parses, after this function returned: they live as
  // long as the program. `finish` is copied for the same reason.
  struct State {
    ContactsOptions o;
    std::function<void()> finish;
  };
  static State s;
  s.finish = finish;
  auto& o = s.o;
  auto run = [&g, &rc](int (*command)(const GlobalOptions&, const ContactsOptions&)) {
    return [&g, &rc, command] { s.finish(), rc = command(g, s.o); };
  };

  auto* contacts = app.add_subcommand(
      "contacts", "contacts: profiles from the platforms, their history, consent and erasure");
  contacts->require_subcommand(1);

  auto* list_cmd = contacts->add_subcommand("list", "list and search contacts");
  list_cmd->add_option("--search", o.search,
                       "case-insensitive part of the display name or a platform user id");
  list_cmd->add_option("--platform", o.platform, "only contacts with an identity on PLATFORM");
  list_cmd->add_option("--limit", o.limit, "at most N contacts (default 50)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  list_cmd->callback(run(list));

  auto id_option = [&](CLI::App* cmd) {
    cmd->add_option("ID", o.id, "contact id")->required()->check(CLI::PositiveNumber);
  };
  auto* show_cmd = contacts->add_subcommand("show", "a contact's identities and attributes");
  id_option(show_cmd);
  show_cmd->callback(run(show));
  auto* history_cmd = contacts->add_subcommand("history", "a contact's profile versions");
  id_option(history_cmd);
  history_cmd->callback(run(history));
  auto* consent_cmd = contacts->add_subcommand("consent", "the consent record of a contact");
  id_option(consent_cmd);
  consent_cmd->callback(run(consent));

  auto* export_cmd = contacts->add_subcommand("export", "every contact as CSV, PII masked");
  export_cmd->add_option("--output,-o", o.output, "write to FILE (default: standard output)");
  export_cmd->add_flag("--pii", o.pii, "personal data unmasked");
  export_cmd->callback(run(export_contacts));

  auto* erase_cmd = contacts->add_subcommand(
      "erase", "erase a contact's personal data, leaving an audit record without it");
  id_option(erase_cmd);
  erase_cmd->add_option("--reason", o.reason, "why, for the audit record (no personal data)");
  erase_cmd->add_flag("--yes,-y", o.yes, "do not ask for confirmation");
  erase_cmd->callback(run(erase));

  auto* sync_cmd =
      contacts->add_subcommand("sync", "fetch the profiles of the grants that changed or are due");
  sync_cmd->add_option("CONNECTION", o.connection,
                       "only this connection (default: every connection with profiles)");
  sync_cmd->add_flag("--force", o.force, "every active grant, due or not");
  sync_cmd->callback(run(sync_profiles));
}

}  // namespace connhost::cli
