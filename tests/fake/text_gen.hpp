#pragma once
// Realistic, awkward text for fake records: unicode names, commas, double quotes, newlines,
// HTML, emoji. These are the values that break naive CSV writers and JSON handling, so every
// provider draws from here rather than inventing "Name 1".

#include "tests/fake/fake_random.hpp"

#include <optional>
#include <string>

namespace crm_fake {

struct PersonName {
  std::string first;
  std::string last;
  std::string full;
  std::string ascii_slug;  // for email local parts: "zoe.agren"
};

struct PostalAddress {
  std::string value;  // the one-line formatted address
  std::string country;
  std::string admin_area_level_1;
  std::optional<std::string> admin_area_level_2;
  std::string locality;
  std::optional<std::string> sublocality;
  std::string route;
  std::string street_number;
  std::optional<std::string> subpremise;
  std::string postal_code;
};

PersonName person_name(Rng& rng);
std::string company_name(Rng& rng);
std::string email_address(std::string_view ascii_slug, Rng& rng);
std::string phone_number(Rng& rng);
PostalAddress postal_address(Rng& rng);
std::string deal_title(std::string_view company, Rng& rng);
std::string activity_subject(std::string_view first_name, std::string_view company, Rng& rng);
std::string activity_note_html(Rng& rng);
std::string note_html(std::string_view person_first_name, Rng& rng);
// Short free text for custom text fields: commas, quotes, a newline now and then, sometimes empty.
std::string short_free_text(Rng& rng);
std::string lost_reason(Rng& rng);
std::string pipeline_name(std::int64_t id);
std::string stage_name(std::int64_t order_nr);
std::string currency_code(Rng& rng);
// "€1,500.75", "$200", "SEK 12,000.50": thousands separators and a symbol, as Pipedrive formats.
std::string formatted_money(std::int64_t hundredths, std::string_view currency);

}  // namespace crm_fake
