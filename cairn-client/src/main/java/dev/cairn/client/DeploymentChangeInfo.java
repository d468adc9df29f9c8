package dev.cairn.client;

/**
 * One entry of a deployment's history: {@code kind} is create, update, rollback or delete; {@code before} and
 * {@code after} are the deployment as JSON text (null before a create and after a delete); {@code version} is the
 * version the change produced (null for a delete).
 */
public record DeploymentChangeInfo(String name, long seq, String kind, String actor, long time, Long version,
    String before, String after) {}
