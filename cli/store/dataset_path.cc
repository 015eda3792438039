#include "store/dataset_path.h"

namespace quiver::cli::store {
namespace {

constexpr size_t kMaxComponentBytes = 255;
constexpr size_t kMaxDepth = 32;
constexpr size_t kMaxPathBytes = 1024;

}  // namespace

Status CheckPathComponent(std::string_view name, std::string_view whole_path) {
  if (name == "..") {
    return Status::Invalid("dataset path '", whole_path,
                           "' contains '..': paths may not leave the served root");
  }
  if (name == ".") {
    return Status::Invalid("dataset path '", whole_path, "' contains '.': name the folder directly");
  }
  if (!name.empty() && name.front() == '.') {
    return Status::Invalid("dataset path '", whole_path, "' has a component starting with '.' ('",
                           name, "'): such names are reserved for the server's own files");
  }
  if (name.size() > kMaxComponentBytes) {
    return Status::Invalid("dataset path '", whole_path.substr(0, 64), "...' has a component of ",
                           name.size(), " bytes; at most ", kMaxComponentBytes, " are allowed");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Status::Invalid("dataset path '", whole_path,
                             "' contains a control character (byte ",
                             static_cast<int>(static_cast<unsigned char>(c)), ")");
    }
  }
  return Status::OK();
}

Result<DatasetPath> DatasetPath::FromComponents(const std::vector<std::string>& components) {
  std::string whole;
  for (size_t i = 0; i < components.size(); ++i) {
    if (i > 0) whole += '/';
    whole += components[i];
  }
  if (whole.size() > kMaxPathBytes) {
    return Status::Invalid("dataset path of ", whole.size(), " bytes is too long; at most ",
                           kMaxPathBytes, " are allowed");
  }
  if (!whole.empty() && whole.front() == '/') {
    return Status::Invalid("dataset path '", whole,
                           "' is absolute: paths are relative to the served root, e.g. 'sales/2024'");
  }
  std::vector<std::string> out;
  for (const std::string& component : components) {
    size_t start = 0;
    while (start <= component.size()) {
      size_t end = component.find('/', start);
      if (end == std::string::npos) end = component.size();
      std::string_view piece(component.data() + start, end - start);
      if (!piece.empty()) {
        QUIVER_RETURN_NOT_OK(CheckPathComponent(piece, whole));
        out.emplace_back(piece);
      }
      start = end + 1;
    }
  }
  if (out.size() > kMaxDepth) {
    return Status::Invalid("dataset path '", whole, "' is ", out.size(),
                           " levels deep; at most ", kMaxDepth, " are allowed");
  }
  return DatasetPath(std::move(out));
}

Result<DatasetPath> DatasetPath::Parse(std::string_view text) {
  return FromComponents({std::string(text)});
}

std::string DatasetPath::ToString() const {
  std::string out;
  for (size_t i = 0; i < components_.size(); ++i) {
    if (i > 0) out += '/';
    out += components_[i];
  }
  return out;
}

bool DatasetPath::StartsWith(const DatasetPath& prefix) const {
  if (prefix.components_.size() > components_.size()) return false;
  for (size_t i = 0; i < prefix.components_.size(); ++i) {
    if (components_[i] != prefix.components_[i]) return false;
  }
  return true;
}

DatasetPath DatasetPath::Parent() const {
  if (components_.empty()) return {};
  return DatasetPath(std::vector<std::string>(components_.begin(), components_.end() - 1));
}

}  // namespace quiver::cli::store
