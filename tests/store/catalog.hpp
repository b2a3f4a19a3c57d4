#pragma once

// Reads a store's schema back from the database catalog, independently of the store's own code.

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "store/session.hpp"

namespace connhost::store::test {

struct Column {
  std::string name;
  bool not_null = false;
  bool primary_key = false;

  friend bool operator==(const Column&, const Column&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Column& c) {
    return os << c.name << (c.not_null ? " NOT NULL" : "") << (c.primary_key ? " PK" : "");
  }
};

// In declaration order.
inline std::vector<Column> columns(Store& store, const std::string& table) {
  std::vector<Column> out;
  auto& sql = store.session();
  std::string name;
  int not_null = 0;
  int pk = 0;
  if (store.backend() == Backend::sqlite) {
    soci::statement st =
        (sql.prepare << "SELECT name, \"notnull\", pk FROM pragma_table_info(:t) ORDER BY cid",
         soci::use(table), soci::into(name), soci::into(not_null), soci::into(pk));
    st.execute();
    while (st.fetch()) out.push_back({name, not_null != 0, pk != 0});
  } else {
    soci::statement st =
        (sql.prepare << "SELECT c.column_name, "
                        "  CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END, "
                        "  CASE WHEN EXISTS ("
                        "    SELECT 1 FROM information_schema.table_constraints tc "
                        "    JOIN information_schema.key_column_usage k "
                        "      ON k.constraint_schema = tc.constraint_schema "
                        "     AND k.constraint_name = tc.constraint_name "
                        "    WHERE tc.constraint_type = 'PRIMARY KEY' "
                        "      AND tc.table_schema = c.table_schema "
                        "      AND tc.table_name = c.table_name "
                        "      AND k.column_name = c.column_name) THEN 1 ELSE 0 END "
                        "FROM information_schema.columns c "
                        "WHERE c.table_schema = current_schema() AND c.table_name = :t "
                        "ORDER BY c.ordinal_position",
         soci::use(table), soci::into(name), soci::into(not_null), soci::into(pk));
    st.execute();
    while (st.fetch()) out.push_back({name, not_null != 0, pk != 0});
  }
  return out;
}

}  // namespace connhost::store::test
