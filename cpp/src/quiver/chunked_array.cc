#include "quiver/chunked_array.h"

#include <algorithm>
#include <sstream>

#include "quiver/pretty_print.h"

namespace quiver {

ChunkedArray::ChunkedArray(ArrayVector chunks, TypePtr type)
    : chunks_(std::move(chunks)), type_(std::move(type)) {
  for (const auto& c : chunks_) length_ += c->length();
}

Result<std::shared_ptr<ChunkedArray>> ChunkedArray::Make(ArrayVector chunks, TypePtr type) {
  if (!type) {
    if (chunks.empty()) {
      return Status::Invalid("cannot infer the type of a chunked array without chunks: pass the type");
    }
    if (!chunks[0]) return Status::Invalid("chunk 0 is null");
    type = chunks[0]->type();
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (!chunks[i]) return Status::Invalid("chunk ", i, " is null");
    if (!chunks[i]->type()->Equals(*type)) {
      return Status::TypeError("chunks of a chunked array must share its type: expected ", type->ToString(),
                               " but chunk ", i, " has type ", chunks[i]->type()->ToString());
    }
  }
  return std::make_shared<ChunkedArray>(std::move(chunks), std::move(type));
}

int64_t ChunkedArray::null_count() const {
  int64_t n = 0;
  for (const auto& c : chunks_) n += c->null_count();
  return n;
}

std::shared_ptr<ChunkedArray> ChunkedArray::Slice(int64_t offset, int64_t length) const {
  offset = std::clamp<int64_t>(offset, 0, length_);
  length = std::clamp<int64_t>(length, 0, length_ - offset);
  ArrayVector out;
  if (length == 0) {
    // Keep one (empty) chunk when there are chunks at all, as Arrow does, so the
    // slice still carries an array of the column's type.
    if (!chunks_.empty()) {
      size_t i = 0;
      int64_t start = 0;
      while (i + 1 < chunks_.size() && start + chunks_[i]->length() <= offset) start += chunks_[i++]->length();
      out.push_back(chunks_[i]->Slice(0, 0));
    }
    return std::make_shared<ChunkedArray>(std::move(out), type_);
  }
  int64_t remaining = length;
  for (const auto& c : chunks_) {
    if (remaining == 0) break;
    const int64_t len = c->length();
    if (offset >= len) {  // the slice starts after this chunk
      offset -= len;
      continue;
    }
    const int64_t take = std::min(len - offset, remaining);
    out.push_back(offset == 0 && take == len ? c : c->Slice(offset, take));
    remaining -= take;
    offset = 0;
  }
  return std::make_shared<ChunkedArray>(std::move(out), type_);
}

bool ChunkedArray::Equals(const ChunkedArray& other, const EqualOptions& options) const {
  if (length_ != other.length_) return false;
  if (!type_->Equals(*other.type_, options.check_metadata)) return false;
  if (null_count() != other.null_count()) return false;
  // Walk both chunk lists together, comparing the overlap of the current chunks,
  // so that differing chunk boundaries do not matter.
  size_t i = 0, j = 0;
  int64_t pos_i = 0, pos_j = 0;  // position inside chunk i / chunk j
  int64_t compared = 0;
  while (compared < length_) {
    while (i < chunks_.size() && pos_i == chunks_[i]->length()) ++i, pos_i = 0;
    while (j < other.chunks_.size() && pos_j == other.chunks_[j]->length()) ++j, pos_j = 0;
    if (i == chunks_.size() || j == other.chunks_.size()) return false;  // inconsistent lengths
    const Array& a = *chunks_[i];
    const Array& b = *other.chunks_[j];
    const int64_t n = std::min(a.length() - pos_i, b.length() - pos_j);
    if (!a.RangeEquals(b, pos_i, pos_i + n, pos_j, options)) return false;
    pos_i += n;
    pos_j += n;
    compared += n;
  }
  return true;
}

namespace {
Status ValidateChunks(const ChunkedArray& ca, bool full) {
  if (!ca.type()) return Status::Invalid("chunked array has no type");
  int64_t total = 0;
  for (int i = 0; i < ca.num_chunks(); ++i) {
    const auto& c = ca.chunk(i);
    if (!c) return Status::Invalid("chunk ", i, " is null");
    if (!c->type()->Equals(*ca.type())) {
      return Status::Invalid("chunk ", i, " has type ", c->type()->ToString(),
                             " but the chunked array's type is ", ca.type()->ToString());
    }
    Status st = full ? c->ValidateFull() : c->Validate();
    if (!st.ok()) return st.WithContext("in chunk " + std::to_string(i));
    total += c->length();
  }
  if (total != ca.length()) {
    return Status::Invalid("chunked array length ", ca.length(), " does not match its chunks' total length ",
                           total);
  }
  return Status::OK();
}
}  // namespace

Status ChunkedArray::Validate() const { return ValidateChunks(*this, false); }
Status ChunkedArray::ValidateFull() const { return ValidateChunks(*this, true); }

std::string ChunkedArray::ToString(const PrettyPrintOptions& options) const {
  // pyarrow's layout: the chunks, each printed as an array one level deeper, inside
  // brackets; with more than 2 * container_window chunks the middle ones are elided
  // by a "...," line. The outer indentation precedes "[", "...," and "]" even on one
  // line ("   [[1,2],[3]   ]" at indent 3), exactly as pyarrow prints it.
  const bool one_line = options.skip_new_lines;
  const std::string indent(static_cast<size_t>(std::max(options.indent, 0)), ' ');
  const char* newline = one_line ? "" : "\n";
  PrettyPrintOptions inner = options;
  inner.indent = options.indent + options.indent_size;
  TypeId storage_id = type_->id();
  for (const DataType* t = type_.get(); t->id() == TypeId::EXTENSION;) {
    t = static_cast<const ExtensionType&>(*t).storage_type().get();
    storage_id = t->id();
  }

  std::ostringstream out;
  out << indent << "[" << newline;
  const int64_t n = num_chunks();
  const int64_t window = std::max<int64_t>(options.container_window, 0);
  const bool elide = n > 2 * window;
  for (int64_t i = 0; i < n; ++i) {
    if (elide && i == window) {
      out << indent << "...," << newline;
      i = n - window - 1;
      continue;
    }
    // pyarrow starts a struct chunk on a new line even in the one-line form
    // ("s: [\n  -- is_valid: ...").
    if (one_line && storage_id == TypeId::STRUCT) out << "\n";
    PrettyPrint(*chunks_[static_cast<size_t>(i)], inner, &out);
    if (i + 1 < n) out << "," << newline;
  }
  out << newline << indent << "]";
  return out.str();
}

std::string ChunkedArray::ToString() const {
  // pyarrow's ChunkedArray.to_string() defaults.
  PrettyPrintOptions options;
  options.window = 5;
  options.container_window = 2;
  return ToString(options);
}

}  // namespace quiver
