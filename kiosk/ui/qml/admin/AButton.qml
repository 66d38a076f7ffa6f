import QtQuick

// A technician/staff button: the kiosk's colours and millimetre sizes, a little smaller text.
Rectangle {
    id: root
    property string text: ""
    property string kind: "primary"   // primary | secondary | danger | ok
    property bool enabledState: true
    property bool selected: false
    property real fontPx: units.small_px
    property real minWidth: units.mm(30)
    property real minHeight: units.mm(12)
    signal clicked()

    readonly property color fill: selected ? theme.c.focus
                                  : kind === "secondary" ? theme.c.secondary
                                  : kind === "danger" ? theme.c.danger
                                  : kind === "ok" ? theme.c.ok : theme.c.primary
    readonly property color ink: selected ? theme.c.primary_text
                                 : kind === "secondary" ? theme.c.secondary_text
                                 : kind === "danger" ? theme.c.danger_text
                                 : kind === "ok" ? theme.c.ok_text : theme.c.primary_text

    implicitWidth: Math.max(minWidth, label.implicitWidth + units.mm(8))
    implicitHeight: Math.max(minHeight, label.implicitHeight + units.mm(4))
    radius: units.mm(2)
    color: fill
    opacity: enabledState ? 1.0 : 0.45
    border.color: theme.c.border
    border.width: units.mm(0.5)

    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.onPressAction: if (enabledState) root.clicked()

    Text {
        id: label
        anchors.centerIn: parent
        width: Math.min(implicitWidth, root.width - units.mm(4))
        text: root.text
        color: root.ink
        font.pixelSize: root.fontPx
        font.bold: true
        elide: Text.ElideRight
        horizontalAlignment: Text.AlignHCenter
    }

    MouseArea {
        anchors.fill: parent
        enabled: root.enabledState
        onClicked: root.clicked()
    }
}
