package org.introdl.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The status and metadata answers as TensorFlow Serving prints its protos ({@code GetModelStatusResponse},
 * {@code GetModelMetadataResponse}): proto field names, every scalar field even when it holds its default, int64
 * values as JSON strings, enums by name.
 */
final class ApiJson {
  private ApiJson() {}

  static void writeStatus(JsonGenerator out, List<ServedModel.VersionStatus> versions) throws IOException {
    out.writeStartObject();
    out.writeArrayFieldStart("model_version_status");
    for (ServedModel.VersionStatus v : versions) {
      out.writeStartObject();
      out.writeStringField("version", Long.toString(v.version()));
      out.writeStringField("state", v.state().name());
      out.writeObjectFieldStart("status");
      out.writeStringField("error_code", v.errorCode().name());
      out.writeStringField("error_message", v.errorMessage());
      out.writeEndObject();
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeEndObject();
  }

  static void writeMetadata(JsonGenerator out, String model, long version, MetaGraphDef metaGraph)
      throws IOException {
    out.writeStartObject();
    out.writeObjectFieldStart("model_spec");
    out.writeStringField("name", model);
    out.writeStringField("signature_name", "");
    out.writeStringField("version", Long.toString(version));
    out.writeEndObject();
    out.writeObjectFieldStart("metadata");
    out.writeObjectFieldStart("signature_def");
    out.writeObjectFieldStart("signature_def");
    for (Map.Entry<String, SignatureDef> e : new TreeMap<>(metaGraph.getSignatureDefMap()).entrySet()) {
      out.writeFieldName(e.getKey());
      writeSignature(out, e.getValue());
    }
    out.writeEndObject();
    out.writeEndObject();
    out.writeEndObject();
    out.writeEndObject();
  }

  private static void writeSignature(JsonGenerator out, SignatureDef sig) throws IOException {
    out.writeStartObject();
    writeInfos(out, "inputs", sig.getInputsMap());
    writeInfos(out, "outputs", sig.getOutputsMap());
    out.writeStringField("method_name", sig.getMethodName());
    out.writeObjectFieldStart("defaults");
    for (String key : new TreeMap<>(sig.getDefaultsMap()).keySet()) {
      out.writeObjectFieldStart(key);
      out.writeStringField("dtype", sig.getDefaultsMap().get(key).getDtype().name());
      out.writeEndObject();
    }
    out.writeEndObject();
    out.writeEndObject();
  }

  private static void writeInfos(JsonGenerator out, String field, Map<String, TensorInfo> infos)
      throws IOException {
    out.writeObjectFieldStart(field);
    for (Map.Entry<String, TensorInfo> e : new TreeMap<>(infos).entrySet()) {
      TensorInfo info = e.getValue();
      out.writeObjectFieldStart(e.getKey());
      out.writeStringField("dtype", info.getDtype().name());
      if (info.hasTensorShape()) {
        writeShape(out, info.getTensorShape());
      }
      switch (info.getEncodingCase()) {
        case NAME -> out.writeStringField("name", info.getName());
        case COO_SPARSE -> {
          out.writeObjectFieldStart("coo_sparse");
          out.writeStringField("values_tensor_name", info.getCooSparse().getValuesTensorName());
          out.writeStringField("indices_tensor_name", info.getCooSparse().getIndicesTensorName());
          out.writeStringField("dense_shape_tensor_name", info.getCooSparse().getDenseShapeTensorName());
          out.writeEndObject();
        }
        case COMPOSITE_TENSOR -> {
          out.writeObjectFieldStart("composite_tensor");
          out.writeEndObject();
        }
        default -> { }
      }
      out.writeEndObject();
    }
    out.writeEndObject();
  }

  private static void writeShape(JsonGenerator out, TensorShapeProto shape) throws IOException {
    out.writeObjectFieldStart("tensor_shape");
    out.writeArrayFieldStart("dim");
    for (TensorShapeProto.Dim d : shape.getDimList()) {
      out.writeStartObject();
      out.writeStringField("size", Long.toString(d.getSize()));
      out.writeStringField("name", d.getName());
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeBooleanField("unknown_rank", shape.getUnknownRank());
    out.writeEndObject();
  }
}
