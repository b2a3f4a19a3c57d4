#include "store/connect.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cctype>
#include <filesystem>
#include <system_error>

#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "store/conninfo.hpp"

namespace connhost::store::detail {
namespace {

// Driver messages come with SOCI's generic prefix and libpq's line breaks and tabs; a store
// error is one line, in logs as on the terminal.
std::string one_line(std::string_view message) {
  constexpr std::string_view kSociPrefix = "Cannot establish connection to the database.";
  if (message.starts_with(kSociPrefix)) message.remove_prefix(kSociPrefix.size());
  std::string out;
  bool pending_break = false;
  for (char c : message) {
    if (c == '\n' || c == '\r') {
      pending_break = true;
    } else if (std::isspace(static_cast<unsigned char>(c)) && (out.empty() || pending_break)) {
      continue;
    } else {
      if (pending_break && !out.empty()) out += "; ";
      pending_break = false;
      out += c;
    }
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

}  // namespace

std::string open_sqlite(soci::session& session, const StoreOptions& options) {
  if (options.sqlite_path.empty()) throw StoreError("cannot open sqlite store: no path given");

  std::error_code ec;
  const auto path = std::filesystem::absolute(options.sqlite_path, ec).lexically_normal();
  const std::string shown = path.string();
  auto fail = [&](const std::string& why) -> StoreError {
    return StoreError("cannot open sqlite store at " + shown + ": " + why);
  };
  if (ec) throw fail(ec.message());
  // SOCI's connection string parser has no escape for a double quote.
  if (shown.find('"') != std::string::npos) throw fail("the path contains a double quote");

  const auto parent = path.parent_path();
  std::filesystem::create_directories(parent, ec);
  if (ec) throw fail("cannot create directory " + parent.string() + ": " + ec.message());
  if (std::filesystem::is_directory(path)) throw fail("it is a directory");

  try {
    session.open(soci::sqlite3, "db=\"" + shown + "\"");
    // SQLite opens lazily: the first statement is where an unusable file shows up.
    session << "PRAGMA busy_timeout = " << options.sqlite_busy_timeout.count();
    std::string mode;
    session << "PRAGMA journal_mode = WAL", soci::into(mode);
    if (mode != "wal") throw fail("cannot switch to WAL journal mode (got '" + mode + "')");
    // Per connection, off by default: without it REFERENCES clauses are decoration.
    session << "PRAGMA foreign_keys = ON";
    int foreign_keys = 0;
    session << "PRAGMA foreign_keys", soci::into(foreign_keys);
    if (foreign_keys != 1) throw fail("this SQLite cannot enforce foreign keys");
  } catch (const soci::soci_error& e) {
    session.close();
    throw fail(one_line(e.what()));
  }
  log::debug("store: opened sqlite store at {}", shown);
  return "sqlite " + shown;
}

std::string open_postgresql(soci::session& session, const StoreOptions& options) {
  if (options.pg_connection.empty())
    throw StoreError("cannot connect to postgresql: no connection string given");

  const ConninfoView info = inspect_conninfo(options.pg_connection);
  for (const auto& secret : info.secrets) log::register_secret(secret);
  if (!info.parse_error.empty())
    throw StoreError("cannot connect to postgresql: invalid connection string: " +
                     info.parse_error);

  try {
    session.open(soci::postgresql, options.pg_connection);
    // Timestamps read back as text are then UTC, as on SQLite, whatever the server's TimeZone.
    session << "SET TIME ZONE 'UTC'";
    session << "SET application_name = 'connhost'";
  } catch (const soci::soci_error& e) {
    throw StoreError("cannot connect to postgresql (" + info.summary +
                     "): " + redact(one_line(e.what()), info.secrets));
  }
  log::debug("store: connected to postgresql ({})", info.summary);
  return "postgresql " + info.summary;
}

}  // namespace connhost::store::detail
