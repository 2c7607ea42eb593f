#pragma once
// "Did you mean": the known names closest to a mistyped one, for every message that refuses a
// name (subcommands, providers, connections, types, formats, flags, fields). Modelled on cobra's
// SuggestionsFor and git's help_unknown_cmd: edit distance, plus names the typo is a prefix of.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crmexport {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions, so "exprot" is one
// edit from "export"), compared case-insensitively.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidates within a distance that grows with the typo's length (at most 1 for names up to
// 4 characters, 2 up to 8, then 3), or that start with it; closest first, ties in candidate order.
// Empty when nothing is close: a suggestion far from what was typed misleads more than none.
std::vector<std::string> closest_names(std::string_view typed, std::span<const std::string> candidates,
                                       size_t at_most = 3);

// ": did you mean 'a' or 'b'?" for the end of a message, or "" when there is nothing to suggest.
std::string did_you_mean(std::string_view typed, std::span<const std::string> candidates);

}  // namespace crmexport
