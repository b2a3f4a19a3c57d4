#include "store/dynamic_query.hpp"

#include <soci/soci.h>
#include <cctype>

#include <stdexcept>

namespace connhost::store {

DynamicQuery& DynamicQuery::sql(std::string_view text) {
  text_ += text;
  return *this;
}

DynamicQuery& DynamicQuery::bind(std::string value) {
  text_ += ":v" + std::to_string(values_.size());
  values_.push_back(std::move(value));
  return *this;
}

DynamicQuery& DynamicQuery::bind_list(const std::vector<std::string>& values) {
  if (values.empty()) throw std::logic_error("DynamicQuery::bind_list: no values");
  text_ += "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) text_ += ", ";
    bind(values[i]);
  }
  text_ += ")";
  return *this;
}

void DynamicQuery::each(soci::session& sql,
                        const std::function<void(const soci::row&)>& row) const {
  soci::details::prepare_temp_type p = (sql.prepare << text_);
  for (size_t i = 0; i < values_.size(); ++i) p, soci::use(values_[i], "v" + std::to_string(i));
  soci::rowset<soci::row> rows(p);
  for (const auto& r : rows) row(r);
}

int64_t DynamicQuery::scalar_int(soci::session& sql) const {
  int64_t out = 0;
  bool first = true;
  each(sql, [&](const soci::row& r) {
    if (first) out = int_at(r, 0);
    first = false;
  });
  return out;
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out + "%";
}

int64_t int_at(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<int64_t>(r.get<double>(i));
    case soci::dt_string:
      return std::stoll(r.get<std::string>(i));
    default:
      throw std::runtime_error("column " + std::to_string(i) + " is not a number");
  }
}

std::optional<double> nullable_double_at(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_double:
      return r.get<double>(i);
    case soci::dt_string:
      return std::stod(r.get<std::string>(i));
    default:
      return static_cast<double>(int_at(r, i));
  }
}

double double_at(const soci::row& r, size_t i) {
  return nullable_double_at(r, i).value_or(0);
}

std::optional<std::string> nullable_text_at(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_string:
      return r.get<std::string>(i);
    case soci::dt_double:
      return std::to_string(r.get<double>(i));
    default:
      return std::to_string(int_at(r, i));
  }
}

std::string text_at(const soci::row& r, size_t i) {
  return nullable_text_at(r, i).value_or("");
}

}  // namespace connhost::store
