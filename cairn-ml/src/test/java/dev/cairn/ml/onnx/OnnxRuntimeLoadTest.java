package dev.cairn.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's native library ships inside its jar; this proves it loads on the machine running the build. */
class OnnxRuntimeLoadTest {
  @Test
  void nativeLibraryLoadsAndOffersTheCpuProvider() {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    assertThat(env).isNotNull();
    assertThat(OrtEnvironment.getAvailableProviders().toString()).contains("CPU");
  }
}
