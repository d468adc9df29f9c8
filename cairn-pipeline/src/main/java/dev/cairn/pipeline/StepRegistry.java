package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Steps a {@code pipeline.yaml} may name: built-ins registered by name ({@code uses: split}), and any class on the
 * class path with a public no-argument constructor ({@code class: com.example.MyStep}).
 */
public final class StepRegistry {
  private final Map<String, Supplier<? extends Step>> builtIns = new ConcurrentHashMap<>();
  private final ClassLoader classLoader;

  public StepRegistry() {
    this(StepRegistry.class.getClassLoader());
  }

  /** A registry that loads {@code class:} steps through {@code classLoader}. */
  public StepRegistry(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  /** Registers a built-in; a second registration of the same name is refused. */
  public StepRegistry register(String name, Supplier<? extends Step> factory) {
    StepSpec.requireName("step type", name);
    if (builtIns.putIfAbsent(name, factory) != null) {
      throw CairnException.exists("step type '" + name + "' is already registered");
    }
    return this;
  }

  public Set<String> names() {
    return new TreeSet<>(builtIns.keySet());
  }

  public boolean isRegistered(String name) {
    return builtIns.containsKey(name);
  }

  /** A new instance of built-in {@code name}; unknown names fail with the list of known ones. */
  public Step create(String name) {
    Supplier<? extends Step> factory = builtIns.get(name);
    if (factory == null) {
      throw CairnException.invalid("unknown step type '" + name + "'; registered: "
          + (builtIns.isEmpty() ? "none" : String.join(", ", names())) + " (or give a Java class with class:)");
    }
    return factory.get();
  }

  /** A new instance of the {@link Step} class named {@code className}, through its no-argument constructor. */
  public Step createClass(String className) {
    Class<?> type;
    try {
      type = Class.forName(className, true, classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw CairnException.invalid("step class '" + className + "' is not on the class path");
    }
    if (!Step.class.isAssignableFrom(type)) {
      throw CairnException.invalid("class '" + className + "' does not implement " + Step.class.getName());
    }
    try {
      return (Step) type.getConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw CairnException.invalid("step class '" + className + "' has no public no-argument constructor");
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw CairnException.invalid("step class '" + className + "' could not be created: " + cause);
    }
  }
}
