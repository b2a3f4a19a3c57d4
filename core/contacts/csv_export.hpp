#pragma once

// `GET /api/contacts.csv` and `connhost contacts export`: one row per contact and identity, RFC
// 4180 quoting, PII masked unless the reader may see it. Erased contacts are never exported.

#include <functional>
#include <string>
#include <string_view>

namespace soci {
class session;
}

namespace connhost::contacts {

// Writes the export in chunks through `out`, so that a large store is not held in memory.
void export_csv(soci::session& sql, bool with_pii,
                const std::function<void(std::string_view chunk)>& out);

}  // namespace connhost::contacts
