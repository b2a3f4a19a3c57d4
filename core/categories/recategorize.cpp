#include "categories/recategorize.hpp"
#include "store/timestamp.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

#include "store/data_generation.hpp"
#include "store/session.hpp"

namespace connhost::categories {
namespace {

struct Campaign {
  std::string platform, account_id, campaign_id, name;
  std::optional<std::string> override_category, override_type;
};

}  // namespace

RecategorizeResult recategorize(soci::session& sql, const Rules& rules, std::string_view platform) {
  RecategorizeResult out;
  std::string p(platform);
  soci::transaction tx(sql);

  // Read everything before writing: campaigns are few, and an open SELECT while inserting into
  // another table of the same SQLite connection is legal but easy to get wrong.
  std::vector<Campaign> campaigns;
  {
    Campaign c;
    std::string ocat, otype;
    soci::indicator ocat_ind = soci::i_null, otype_ind = soci::i_null;
    soci::statement st =
        (sql.prepare << "SELECT c.platform, c.account_id, c.campaign_id, c.name, o.category, "
                        "o.campaign_type FROM ad_campaigns c LEFT JOIN category_overrides o ON "
                        "o.platform = c.platform AND o.campaign_id = c.campaign_id "
                        "WHERE (:p = '' OR c.platform = :p2) "
                        "ORDER BY c.platform, c.account_id, c.campaign_id",
         soci::into(c.platform), soci::into(c.account_id), soci::into(c.campaign_id),
         soci::into(c.name), soci::into(ocat, ocat_ind), soci::into(otype, otype_ind),
         soci::use(p, "p"), soci::use(p, "p2"));
    st.execute();
    while (st.fetch()) {
      Campaign row = c;
      if (ocat_ind == soci::i_ok) row.override_category = ocat;
      if (ocat_ind == soci::i_ok && otype_ind == soci::i_ok) row.override_type = otype;
      campaigns.push_back(std::move(row));
    }
  }

  sql << "DELETE FROM campaign_categories WHERE (:p = '' OR platform = :p2)", soci::use(p, "p"),
      soci::use(p, "p2");

  std::string plat, account, campaign, category, type, source;
  soci::indicator type_ind = soci::i_null;
  soci::statement ins =
      (sql.prepare << "INSERT INTO campaign_categories (platform, account_id, campaign_id, "
                      "category, campaign_type, source) VALUES (:pl, :a, :c, :cat, :t, :s)",
       soci::use(plat), soci::use(account), soci::use(campaign), soci::use(category),
       soci::use(type, type_ind), soci::use(source));
  for (const auto& c : campaigns) {
    plat = c.platform, account = c.account_id, campaign = c.campaign_id;
    std::optional<std::string> t;
    if (c.override_category) {
      category = *c.override_category, t = c.override_type, source = "override";
      ++out.by_override;
    } else if (auto m = rules.classify(c.platform, c.name)) {
      category = m->category, t = m->campaign_type, source = "rule";
      ++out.by_rule;
    } else {
      category = std::string(kFallback), source = "fallback";
      ++out.by_fallback;
    }
    type = t.value_or(""), type_ind = t ? soci::i_ok : soci::i_null;
    ins.execute(true);
    ++out.campaigns;
  }
  store::bump_data_generation(sql);
  tx.commit();
  return out;
}

void set_override(soci::session& sql, const Override& o) {
  std::string platform = o.platform, id = o.campaign_id, cat = o.category, type = o.campaign_type;
  soci::indicator type_ind = type.empty() ? soci::i_null : soci::i_ok;
  // Written from here rather than by a column default so an update refreshes it too; the ISO
  // text is what SQLite stores and what PostgreSQL parses into its TIMESTAMPTZ.
  std::string at = store::now_timestamp();
  sql << "INSERT INTO category_overrides (platform, campaign_id, category, campaign_type, "
         "updated_at) VALUES (:p, :c, :cat, :t, :u) ON CONFLICT (platform, campaign_id) DO UPDATE "
         "SET category = excluded.category, campaign_type = excluded.campaign_type, updated_at = "
         "excluded.updated_at",
      soci::use(platform), soci::use(id), soci::use(cat), soci::use(type, type_ind), soci::use(at);
}

bool delete_override(soci::session& sql, std::string_view platform, std::string_view campaign_id) {
  std::string p(platform), c(campaign_id);
  soci::statement st = (sql.prepare << "DELETE FROM category_overrides WHERE platform = :p AND "
                                       "campaign_id = :c",
                        soci::use(p), soci::use(c));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::vector<Override> list_overrides(soci::session& sql) {
  std::vector<Override> out;
  Override o;
  soci::indicator type_ind = soci::i_null;
  soci::statement st =
      (sql.prepare << "SELECT platform, campaign_id, category, campaign_type, "
                      "CAST(updated_at AS TEXT) FROM category_overrides ORDER BY platform, "
                      "campaign_id",
       soci::into(o.platform), soci::into(o.campaign_id), soci::into(o.category),
       soci::into(o.campaign_type, type_ind), soci::into(o.updated_at));
  st.execute();
  while (st.fetch()) {
    Override row = o;
    if (type_ind != soci::i_ok) row.campaign_type.clear();
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace connhost::categories
