#include "tests/fake/text_gen.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace crm_fake {
namespace {

struct NamePart {
  std::string_view display;
  std::string_view ascii;
};

constexpr std::array<NamePart, 20> k_first_names{{
    {"Zoë", "zoe"},       {"Łukasz", "lukasz"},     {"José", "jose"},          {"Søren", "soren"},
    {"Renée", "renee"},   {"Anna", "anna"},         {"Mikko", "mikko"},        {"Ngozi", "ngozi"},
    {"Aarav", "aarav"},   {"Émilie", "emilie"},     {"Mårten", "marten"},      {"Siobhán", "siobhan"},
    {"Jürgen", "jurgen"}, {"María", "maria"},       {"John", "john"},          {"Olga", "olga"},
    {"Ayşe", "ayse"},     {"François", "francois"}, {"Robert \"Bob\"", "bob"}, {"Mary-Jane", "maryjane"},
}};

constexpr std::array<NamePart, 18> k_last_names{{
    {"Ågren", "agren"},
    {"Müller", "muller"},
    {"Nowak", "nowak"},
    {"García", "garcia"},
    {"O'Connor", "oconnor"},
    {"Smith", "smith"},
    {"Nguyễn", "nguyen"},
    {"Kowalczyk", "kowalczyk"},
    {"Dubois", "dubois"},
    {"Rossi", "rossi"},
    {"Björk", "bjork"},
    {"Fernández", "fernandez"},
    {"van der Berg", "vanderberg"},
    {"Jones, Jr.", "jones"},
    {"Tamm", "tamm"},
    {"Okafor", "okafor"},
    {"Sørensen", "sorensen"},
    {"Hernández-López", "hernandezlopez"},
}};

// East Asian names are written family name first with no space.
struct WholeName {
  std::string_view full;
  std::string_view first;
  std::string_view last;
  std::string_view slug;
};

constexpr std::array<WholeName, 4> k_east_asian_names{{
    {"李雷", "雷", "李", "li.lei"},
    {"王芳", "芳", "王", "wang.fang"},
    {"山田太郎", "太郎", "山田", "yamada.taro"},
    {"김민준", "민준", "김", "kim.minjun"},
}};

constexpr std::array<std::string_view, 16> k_company_stems{
    "Müller & Söhne",   "Acme",         "Nordlicht",        "Ørsted Partners",
    "Blue Harbor",      "Tanaka Shōji", "北京星河科技",     "Smith, Jones & Co",
    "\"Best\" Widgets", "Café Olé",     "Łódź Logistics",   "Pipeline Pioneers",
    "Ūdens Systems",    "Brightside",   "Zürich Analytics", "Kiwi & Kumara",
};

constexpr std::array<std::string_view, 8> k_company_suffixes{
    " GmbH", ", Inc.", " Ltd", " AB", " Sp. z o.o.", "", " S.A.", " OÜ",
};

constexpr std::array<std::string_view, 5> k_email_domains{
    "example.com", "example.org", "example.net", "mail.example.de", "example.co.uk",
};

struct City {
  std::string_view country;
  std::string_view admin1;
  std::optional<std::string_view> admin2;
  std::string_view locality;
  std::string_view postal_prefix;
  std::array<std::string_view, 3> routes;
};

const std::array<City, 6> k_cities{{
    {"Germany", "Berlin", std::nullopt, "Berlin", "10", {"Karl-Marx-Allee", "Friedrichstraße", "Unter den Linden"}},
    {"Sweden", "Stockholms län", "Stockholms kommun", "Stockholm", "11", {"Drottninggatan", "Götgatan", "Sveavägen"}},
    {"Poland", "Małopolskie", "Kraków", "Kraków", "31", {"ulica Floriańska", "ulica Grodzka", "Rynek Główny"}},
    {"Estonia", "Harju maakond", "Tallinn", "Tallinn", "10", {"Mustamäe tee", "Narva mnt", "Pärnu mnt"}},
    {"United States", "New York", "New York County", "New York", "10", {"Broadway", "5th Avenue", "Wall Street"}},
    {"Brazil", "São Paulo", std::nullopt, "São Paulo", "01", {"Avenida Paulista", "Rua Augusta", "Rua Oscar Freire"}},
}};

constexpr std::array<std::string_view, 10> k_free_texts{
    "mornings, before 10",
    "prefers \"email\" over phone",
    "met at the fair\nfollow up in Q3",
    "",
    "Ça marche — 明天见",
    "VIP, handle with care",
    "budget: 10,000 EUR; decision in \"late\" May",
    "👍 ready to sign",
    "n/a",
    "Tab\tseparated, and a backslash \\ too",
};

constexpr std::array<std::string_view, 5> k_lost_reasons{
    "Too expensive, chose a competitor",
    "No \"budget\" this year",
    "Went silent\nafter the demo",
    "Timing",
    "Lost to Müller & Söhne",
};

constexpr std::array<std::string_view, 6> k_stage_names{
    "Lead In", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started", "Contract, signed",
};

constexpr std::array<std::string_view, 5> k_currencies{"EUR", "USD", "SEK", "GBP", "EUR"};

}  // namespace

PersonName person_name(Rng& rng) {
  if (rng.percent(12)) {
    const WholeName& n = rng.pick(k_east_asian_names);
    return {std::string(n.first), std::string(n.last), std::string(n.full), std::string(n.slug)};
  }
  const NamePart& first = rng.pick(k_first_names);
  const NamePart& last = rng.pick(k_last_names);
  return {std::string(first.display), std::string(last.display), fmt::format("{} {}", first.display, last.display),
          fmt::format("{}.{}", first.ascii, last.ascii)};
}

std::string company_name(Rng& rng) {
  const std::string_view stem = rng.pick(k_company_stems);
  const std::string_view suffix = rng.pick(k_company_suffixes);
  return fmt::format("{}{}", stem, suffix);
}

std::string email_address(std::string_view ascii_slug, Rng& rng) {
  const std::string_view domain = rng.pick(k_email_domains);
  if (rng.percent(30)) return fmt::format("{}{}@{}", ascii_slug, rng.between(1, 999), domain);
  return fmt::format("{}@{}", ascii_slug, domain);
}

std::string phone_number(Rng& rng) {
  // Draws are sequenced in statements: argument evaluation order is unspecified in C++.
  const auto style = rng.below(4);
  const auto a = rng.below(1000);
  const auto b = rng.below(10000);
  switch (style) {
    case 0:
      return fmt::format("+49 30 {:03}{:04}", a, b);
    case 1:
      return fmt::format("(555) 01{}-{:04}", a % 10, b);
    case 2:
      return fmt::format("+86 10 {:04} {:04}", a * 7 % 10000, b);
    default:
      return fmt::format("+372 5{:03} {:04}", a, b);
  }
}

PostalAddress postal_address(Rng& rng) {
  const City& city = rng.pick(k_cities);
  PostalAddress a;
  a.country = city.country;
  a.admin_area_level_1 = city.admin1;
  if (city.admin2) a.admin_area_level_2 = std::string(*city.admin2);
  a.locality = city.locality;
  if (rng.percent(30)) a.sublocality = "Mitte";
  a.route = rng.pick(city.routes);
  const auto number = rng.between(1, 240);
  const bool letter = rng.percent(15);
  a.street_number = fmt::format("{}{}", number, letter ? "a" : "");
  if (rng.percent(25)) a.subpremise = fmt::format("Apt {}", rng.between(1, 60));
  a.postal_code = fmt::format("{}{:03}", city.postal_prefix, rng.below(1000));
  a.value = fmt::format("{} {}, {} {}, {}", a.route, a.street_number, a.postal_code, a.locality, a.country);
  return a;
}

std::string deal_title(std::string_view company, Rng& rng) {
  switch (rng.below(4)) {
    case 0:
      return fmt::format("{} deal", company);
    case 1:
      return fmt::format("{} — {} seats", company, rng.between(5, 500));
    case 2:
      return fmt::format("Renewal, \"{}\" plan", rng.percent(50) ? "Premium" : "Growth");
    default:
      return fmt::format("{}: pilot, phase {}", company, rng.between(1, 3));
  }
}

std::string activity_subject(std::string_view first_name, std::string_view company, Rng& rng) {
  switch (rng.below(5)) {
    case 0:
      return fmt::format("Call with {}", first_name);
    case 1:
      return fmt::format("Demo: \"{}\", part {}", company, rng.between(1, 3));
    case 2:
      return "Lunch, Café Olé";
    case 3:
      return "Follow up — pricing, contract";
    default:
      return "Send proposal";
  }
}

std::string activity_note_html(Rng& rng) {
  if (rng.percent(50)) return "<p>Agenda: intro, \"pricing\", next steps</p>";
  return "<p>Bring the contract.</p>\n<p>Parking at the back, code 1234</p>";
}

std::string note_html(std::string_view person_first_name, Rng& rng) {
  const auto quarter = rng.between(1, 4);
  const auto thousands = rng.between(1, 99);
  const auto units = rng.below(1000);
  std::string html = fmt::format("<p>Called {} about the \"Q{}\" renewal, budget {},{:03} EUR.</p>", person_first_name,
                                 quarter, thousands, units);
  const auto extra = rng.below(4);
  if (extra >= 1) html += "\n<ul>\n<li>send pricing, incl. discounts</li>\n<li>book a demo</li>\n</ul>";
  if (extra >= 2) html += "\n<p>Quote: \"We'd like to start in March, if possible.\"</p>";
  if (extra >= 3) html += "\n<p>Zoë said: ça va, 好的 👍<br>second line, with a comma</p>";
  return html;
}

std::string short_free_text(Rng& rng) { return std::string(rng.pick(k_free_texts)); }

std::string lost_reason(Rng& rng) { return std::string(rng.pick(k_lost_reasons)); }

std::string pipeline_name(std::int64_t id) {
  if (id == 1) return "Sales";
  if (id == 2) return "Partnerships, EMEA";
  return fmt::format("Pipeline \"{}\"", id);
}

std::string stage_name(std::int64_t order_nr) {
  return std::string(k_stage_names[static_cast<std::size_t>(order_nr - 1) % k_stage_names.size()]);
}

std::string currency_code(Rng& rng) { return std::string(rng.pick(k_currencies)); }

std::string formatted_money(std::int64_t hundredths, std::string_view currency) {
  const std::int64_t whole = hundredths / 100;
  const std::int64_t cents = hundredths % 100;
  std::string digits = fmt::format("{}", whole);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  if (cents != 0) grouped += fmt::format(".{:02}", cents);
  if (currency == "EUR") return "€" + grouped;
  if (currency == "USD") return "$" + grouped;
  if (currency == "GBP") return "£" + grouped;
  return fmt::format("{} {}", currency, grouped);
}

}  // namespace crm_fake
