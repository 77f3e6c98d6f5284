// The component table: widget `type` -> the Preact component that renders it. `Node`
// renders any node through it; unknown types keep their children visible.
import type { ComponentType } from "preact";
import { Button } from "./Button";
import { Chart } from "./ChartLazy";
import { Badge, IconNode, Image } from "./content";
import { Checkbox, DatePicker, Input, RadioGroup, Textarea } from "./fields";
import { ListViewItem } from "./ListViewItem";
import { Box, Col, Divider, Form, Row, Spacer, Transition } from "./layout";
import { Select } from "./Select";
import { Table, TableCell, TableRow } from "./Table";
import { Caption, Label, MarkdownNode, Text, Title } from "./text";
import { childrenOf } from "./tree";
import type { WidgetNode } from "./types";

export type NodeProps = { node: WidgetNode };

/** Anything not built in: keep its children visible rather than dropping content. */
function Unknown({ node }: NodeProps) {
  return (
    <div class="ckw-unknown" data-type={node.type}>
      <Children node={node} />
    </div>
  );
}

export const COMPONENTS: Record<string, ComponentType<NodeProps>> = {
  Box,
  Row,
  Col,
  Form,
  Spacer,
  Divider,
  Transition,
  Text,
  Title,
  Caption,
  Markdown: MarkdownNode,
  Label,
  Badge,
  Icon: IconNode,
  Image,
  Table,
  "Table.Row": TableRow,
  "Table.Cell": TableCell,
  Chart,
  Button,
  Input,
  Textarea,
  Select,
  DatePicker,
  Checkbox,
  RadioGroup,
  ListViewItem,
};

export function Node({ node }: NodeProps) {
  if (!node || typeof node !== "object" || typeof node.type !== "string") return null;
  const Component = Object.hasOwn(COMPONENTS, node.type) ? COMPONENTS[node.type]! : Unknown;
  return <Component node={node} />;
}

/** Identity for a child in a list: the server's key or id, else its position. */
export const childKey = (child: WidgetNode, i: number): string | number => child.key ?? child.id ?? i;

export function Children({ node }: NodeProps) {
  return (
    <>
      {childrenOf(node).map((child, i) => (
        <Node key={childKey(child, i)} node={child} />
      ))}
    </>
  );
}
