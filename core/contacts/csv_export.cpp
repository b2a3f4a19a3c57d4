#include "contacts/csv_export.hpp"

#include <soci/soci.h>

#include <boost/json.hpp>

#include <algorithm>

#include "contacts/contact_query.hpp"
#include "contacts/masking.hpp"
#include "store/dynamic_query.hpp"

namespace connhost::contacts {
namespace {

// Contacts per round trip: large enough to be quick, small enough to keep memory flat.
constexpr int64_t kBatch = 200;
constexpr size_t kStandardFirst = 11;  // the index of avatar_url in kCsvColumns
constexpr size_t kStandardLast = 16;   // region

std::vector<int64_t> next_batch(soci::session& sql, int64_t after) {
  std::vector<int64_t> ids;
  store::DynamicQuery q;
  q.sql("SELECT id FROM contacts WHERE status <> 'erased' AND id > ")
      .bind(std::to_string(after))
      .sql(" ORDER BY id LIMIT " + std::to_string(kBatch));
  q.each(sql, [&](const soci::row& r) { ids.push_back(store::int_at(r, 0)); });
  return ids;
}

void append_row(std::string& buf, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) buf += ',';
    buf += csv_field(fields[i]);
  }
  buf += "\r\n";
}

}  // namespace

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void export_csv(soci::session& sql, bool with_pii,
                const std::function<void(std::string_view chunk)>& out) {
  auto shown = [&](std::string_view attribute, const std::string& value) {
    return with_pii ? value : mask(attribute, value);
  };
  std::string buf;
  append_row(buf, std::vector<std::string>(kCsvColumns.begin(), kCsvColumns.end()));
  int64_t after = 0;
  for (;;) {
    auto ids = next_batch(sql, after);
    if (ids.empty()) break;
    after = ids.back();
    for (int64_t id : ids) {
      // get_contact reads the identities and attributes in two statements per contact; the
      // export is an occasional operator task, so clarity wins over a single join here.
      auto c = get_contact(sql, id);
      if (!c || c->status == "erased") continue;
      std::vector<std::string> contact = {std::to_string(c->id),
                                          shown("display_name", c->display_name.value_or("")),
                                          c->status, c->created_at, c->updated_at};
      if (c->identities.empty()) {
        auto row = contact;
        row.resize(kCsvColumns.size());
        append_row(buf, row);
        continue;
      }
      for (const auto& i : c->identities) {
        auto row = contact;
        row.insert(row.end(),
                   {std::to_string(i.id), i.platform, shown("platform_user_id", i.platform_user_id),
                    i.connection.value_or(""), i.status, i.fetched_at.value_or("")});
        row.resize(kCsvColumns.size());
        boost::json::object other;
        for (const auto& a : i.attributes) {
          auto col = std::find(kCsvColumns.begin() + kStandardFirst,
                               kCsvColumns.begin() + kStandardLast + 1, a.name);
          if (col != kCsvColumns.begin() + kStandardLast + 1)
            row[static_cast<size_t>(col - kCsvColumns.begin())] = shown(a.name, a.value);
          else
            other[a.name] = shown(a.name, a.value);
        }
        if (!other.empty()) row.back() = boost::json::serialize(other);
        append_row(buf, row);
      }
    }
    out(buf);
    buf.clear();
  }
  if (!buf.empty()) out(buf);
}

}  // namespace connhost::contacts
