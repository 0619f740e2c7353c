package dev.kiln.gateway;

import java.math.BigInteger;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * Rewrites the proto3 JSON of a message so its numbers read as OME prints them, guided by the
 * message's descriptor (never by what a value looks like):
 * <ul>
 *   <li>64-bit integer fields ({@code int64}, {@code uint64}, {@code sint64}, {@code fixed64},
 *       {@code sfixed64}, and the {@code Int64Value}/{@code UInt64Value} wrappers), which proto3 JSON
 *       writes as strings, become JSON numbers: {@code "totalBytesIn":"1234"} → {@code 1234};</li>
 *   <li>integral numbers inside {@code google.protobuf.Struct}, {@code Value} and {@code ListValue},
 *       which proto3 JSON writes as doubles, lose their fraction: {@code 60000.0} → {@code 60000};
 *       others stay as they are ({@code 29.97}).</li>
 * </ul>
 * Everything else, a {@code string} field holding digits included, is left alone. The walk covers
 * nested messages, repeated fields and map values.
 */
final class OmeJsonNumbers {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** 2^63 as a double: the first value above the range of {@code long}. */
    private static final double TWO_POW_63 = 0x1p63;

    private OmeJsonNumbers() {}

    /**
     * Returns {@code json}, the proto3 JSON of a message of type {@code type}, with its numbers
     * rewritten; objects and arrays are changed in place.
     */
    static JsonNode rewrite(JsonNode json, Descriptor type) {
        return message(json, type);
    }

    private static JsonNode message(JsonNode json, Descriptor type) {
        switch (type.getFullName()) {
            case "google.protobuf.Struct":
                return struct(json);
            case "google.protobuf.Value":
                return value(json);
            case "google.protobuf.ListValue":
                return listValue(json);
            case "google.protobuf.Int64Value":
                return signed(json);
            case "google.protobuf.UInt64Value":
                return unsigned(json);
            default:
                // Other well-known types print as strings or hold no 64-bit integers; Any is
                // printed with its own type and is left as it is.
                if (!json.isObject() || "google.protobuf.Any".equals(type.getFullName())) {
                    return json;
                }
                final ObjectNode object = (ObjectNode) json;
                for (FieldDescriptor field : type.getFields()) {
                    rewriteMember(object, field, field.getJsonName());
                    if (!field.getName().equals(field.getJsonName())) {
                        // Printed under its proto name when the marshaller preserves proto field names.
                        rewriteMember(object, field, field.getName());
                    }
                }
                return object;
        }
    }

    private static void rewriteMember(ObjectNode object, FieldDescriptor field, String name) {
        final JsonNode value = object.get(name);
        if (value != null && !value.isNull()) {
            object.set(name, field(value, field));
        }
    }

    private static JsonNode field(JsonNode json, FieldDescriptor field) {
        if (field.isMapField()) {
            if (json.isObject()) {
                final FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
                for (Map.Entry<String, JsonNode> entry : json.properties()) {
                    entry.setValue(single(entry.getValue(), valueField));
                }
            }
            return json;
        }
        if (field.isRepeated()) {
            if (json.isArray()) {
                final ArrayNode items = (ArrayNode) json;
                for (int i = 0; i < items.size(); i++) {
                    items.set(i, single(items.get(i), field));
                }
            }
            return json;
        }
        return single(json, field);
    }

    private static JsonNode single(JsonNode json, FieldDescriptor field) {
        switch (field.getType()) {
            case INT64:
            case SINT64:
            case SFIXED64:
                return signed(json);
            case UINT64:
            case FIXED64:
                return unsigned(json);
            case MESSAGE:
            case GROUP:
                return message(json, field.getMessageType());
            default:
                return json;
        }
    }

    private static JsonNode signed(JsonNode json) {
        if (!json.isTextual()) {
            return json;
        }
        try {
            return NODES.numberNode(Long.parseLong(json.textValue()));
        } catch (NumberFormatException e) {
            return json;
        }
    }

    private static JsonNode unsigned(JsonNode json) {
        if (!json.isTextual()) {
            return json;
        }
        try {
            final long bits = Long.parseUnsignedLong(json.textValue());
            return bits >= 0 ? NODES.numberNode(bits) : NODES.numberNode(new BigInteger(json.textValue()));
        } catch (NumberFormatException e) {
            return json;
        }
    }

    private static JsonNode struct(JsonNode json) {
        if (json.isObject()) {
            for (Map.Entry<String, JsonNode> entry : json.properties()) {
                entry.setValue(value(entry.getValue()));
            }
        }
        return json;
    }

    private static JsonNode listValue(JsonNode json) {
        if (json.isArray()) {
            final ArrayNode items = (ArrayNode) json;
            for (int i = 0; i < items.size(); i++) {
                items.set(i, value(items.get(i)));
            }
        }
        return json;
    }

    /** A {@code google.protobuf.Value}: any JSON value; only its numbers and what it nests change. */
    private static JsonNode value(JsonNode json) {
        if (json.isObject()) {
            return struct(json);
        }
        if (json.isArray()) {
            return listValue(json);
        }
        if (json.isFloatingPointNumber()) {
            final double number = json.doubleValue();
            if (number == Math.rint(number) && number >= -TWO_POW_63 && number < TWO_POW_63) {
                return NODES.numberNode((long) number);
            }
        }
        return json;
    }
}
