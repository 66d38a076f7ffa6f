import QtQuick

// A big touch button: label, optional one-line description, three kinds.
Rectangle {
    id: root
    property string text: ""
    property string sub: ""
    property string kind: "primary"   // primary | secondary | danger | ok
    property bool enabledState: true
    property real minHeight: units.mm(18)
    property real labelPx: units.body_px
    signal clicked()

    readonly property color fill: kind === "secondary" ? theme.c.secondary
                                  : kind === "danger" ? theme.c.danger
                                  : kind === "ok" ? theme.c.ok : theme.c.primary
    readonly property color ink: kind === "secondary" ? theme.c.secondary_text
                                 : kind === "danger" ? theme.c.danger_text
                                 : kind === "ok" ? theme.c.ok_text : theme.c.primary_text

    implicitWidth: Math.max(units.mm(40), label.implicitWidth + units.mm(12))
    implicitHeight: Math.max(minHeight, col.implicitHeight + units.mm(6))
    radius: units.mm(3)
    color: fill
    opacity: enabledState ? 1.0 : 0.45
    border.color: theme.c.border
    border.width: units.mm(0.8)

    Accessible.role: Accessible.Button
    Accessible.name: sub.length > 0 ? text + ". " + sub : text
    Accessible.onPressAction: if (enabledState) root.clicked()

    Column {
        id: col
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: units.mm(5)
        spacing: units.mm(1.5)
        Text {
            id: label
            width: parent.width
            text: root.text
            color: root.ink
            font.pixelSize: root.labelPx
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: root.sub.length > 0 ? Text.AlignLeft : Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: root.sub.length > 0
            text: root.sub
            color: root.ink
            font.pixelSize: units.small_px
            wrapMode: Text.WordWrap
        }
    }

    TapHandler {
        enabled: root.enabledState
        onTapped: root.clicked()
    }
}
