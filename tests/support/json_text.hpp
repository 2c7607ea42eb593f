#pragma once
// JSON helpers for tests that compare records by value: numbers parsed exactly (int64 or full
// precision), compact text for map keys and messages.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace crmexport::testing {

inline rapidjson::Document parse_exact(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

inline std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

}  // namespace crmexport::testing
