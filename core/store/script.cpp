#include "store/script.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace connhost::store::detail {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Not dynamic_cast: libsoci_postgresql exports no type information for its backend classes.
template <class Native>
Native* native_backend(soci::session& session, std::string_view name) {
  auto* backend = session.get_backend();
  if (!backend || backend->get_backend_name() != name)
    throw std::logic_error("execute_script: the session is not a " + std::string(name) +
                           " session");
  return static_cast<Native*>(backend);
}

}  // namespace

void execute_script(soci::session& session, Backend backend, std::string_view sql) {
  const std::string text(sql);
  switch (backend) {
    case Backend::sqlite: {
      auto* native = native_backend<soci::sqlite3_session_backend>(session, "sqlite3");
      // SOCI includes sqlite3.h inside namespace sqlite_api.
      namespace api = ::sqlite_api;
      char* error = nullptr;
      if (api::sqlite3_exec(native->conn_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : api::sqlite3_errmsg(native->conn_);
        api::sqlite3_free(error);
        throw std::runtime_error(message);
      }
      return;
    }
    case Backend::postgresql: {
      auto* native = native_backend<soci::postgresql_session_backend>(session, "postgresql");
      std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(native->conn_, text.c_str()),
                                                           &PQclear);
      const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error(
            trimmed(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(native->conn_)));
      }
      return;
    }
  }
}

}  // namespace connhost::store::detail
